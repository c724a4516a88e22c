/**
 * One shard of the exact dedupe store: a SQLite-backed Durable Object holding the keys of conversions (their
 * event_id and business key) and the copies held for merging. Every copy of one conversion is routed to the
 * same shard (src/dedupe/keys.ts), and one call decides a whole consumer batch's claims in order inside the
 * object's input gate, so "seen before?" is exact under any concurrency without a pending state.
 *
 * A claim belongs to a token (the ingest message's owner and the event's index): the same token claiming
 * again is a redelivery and passes; another token is a copy. A copy is merged into a held first copy, refused
 * as a duplicate once the first copy went out, or, when it is signed and every earlier copy was not,
 * admitted anyway: an unsigned copy never suppresses a signed one.
 *
 * Rows written per conversion: one per key, one hold inserted and updated at release; no secondary index.
 */
import { DurableObject } from "cloudflare:workers";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { KeyClaim } from "./keys.ts";
import { mergeCopies } from "./merge.ts";
import { eventMatches } from "../identity/graph/match.ts";

/** Expired keys and released holds are deleted this often (a full scan; no index to keep writes low). */
const PURGE_EVERY_MS = 15 * 60_000;
/** A released hold is kept this long, so a redelivered release message still finds its event. */
const RELEASED_KEEP_MS = 60 * 60_000;

export interface ClaimRequest {
  token: string;
  keys: KeyClaim[];
  signed: boolean;
  /** The event, for exact events that may be held or merged. */
  event?: CanonicalEvent;
  /** Hold the first copy this long for others to merge with (0: admit at once). */
  holdMs: number;
}

export type Verdict =
  /** Goes out now. `supersedes`: the unsigned copy it outranked. */
  | { token: string; verdict: "admitted"; supersedes?: string }
  /** First copy, held until `release_at` (epoch ms). */
  | { token: string; verdict: "held"; release_at: number }
  /** Merged into the copy `by` holds; `into`: the event_id that copy goes on as (for people reading the ledger). */
  | { token: string; verdict: "merged"; by: string; into?: string }
  /** A copy of what `by` already sent (or holds under a higher trust); `into` when the object knows its event_id. */
  | { token: string; verdict: "duplicate"; by: string; into?: string }
  /** A redelivery of a copy whose hold was already released. */
  | { token: string; verdict: "done" };

type ClaimRow = {
  key: string;
  owner: string;
  signed: number;
};

type HoldRow = {
  token: string;
  event: string;
  signed: number;
  merged: string;
  release_at: number;
  released: number;
  released_by: string | null;
};

export interface Released {
  event: CanonicalEvent;
  signed: boolean;
}

export class Deduper extends DurableObject<unknown> {
  private alarmSet: boolean | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    // Version 1's table (pending claims, two indexes) is not read any more.
    sql.exec("DROP TABLE IF EXISTS keys");
    sql.exec(
      `CREATE TABLE IF NOT EXISTS claims (
         key TEXT PRIMARY KEY, owner TEXT NOT NULL, signed INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
    );
    sql.exec(
      `CREATE TABLE IF NOT EXISTS holds (
         token TEXT PRIMARY KEY, event TEXT NOT NULL, signed INTEGER NOT NULL, merged TEXT NOT NULL,
         release_at INTEGER NOT NULL, released INTEGER NOT NULL, released_by TEXT) WITHOUT ROWID`,
    );
  }

  /** Decides each claim in order; see the module header. */
  async claim(claims: ClaimRequest[], now: number): Promise<Verdict[]> {
    const out = claims.map((c) => this.claimOne(c, now));
    await this.schedulePurge();
    return out;
  }

  /**
   * Ends a hold for release message `by` (its queue message id, stable across redeliveries): returns the
   * (merged) event to send, to that message only, so a second release message of the same hold (sent by a
   * consumer that died before acking) sends nothing. Null when there is nothing to send. `lastResort` (the
   * dead-letter queue's consumer) gets the copy whoever took it: a release message that reached the dead-letter
   * queue was never acked, and the queue need not keep its message id, so the copy must not vanish there.
   */
  take(token: string, by: string, lastResort = false): Released | null {
    const h = this.hold(token);
    if (!h) return null;
    if (!h.released) this.ctx.storage.sql.exec("UPDATE holds SET released = 1, released_by = ? WHERE token = ?", by, token);
    else if (h.released_by !== by && !lastResort) return null;
    return { event: JSON.parse(h.event) as CanonicalEvent, signed: h.signed === 1 };
  }

  /** take() for several holds in one call (a consumer batch's release messages of this shard). */
  takeMany(releases: { token: string; by: string }[], lastResort = false): (Released | null)[] {
    return releases.map((r) => this.take(r.token, r.by, lastResort));
  }

  /**
   * Erasure: deletes held copies whose event carries one of these identity-graph keys (hashed identifiers).
   * Claim rows hold only event ids and business keys, and expire with their window. Returns how many went.
   */
  async erase(keys: string[]): Promise<number> {
    const set = new Set(keys);
    let n = 0;
    for (const h of this.ctx.storage.sql.exec<{ token: string; event: string }>("SELECT token, event FROM holds").toArray()) {
      if (await eventMatches(JSON.parse(h.event) as CanonicalEvent, set)) {
        this.ctx.storage.sql.exec("DELETE FROM holds WHERE token = ?", h.token);
        n++;
      }
    }
    return n;
  }

  /** Number of live keys (for tests and the scale docs). */
  size(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM claims").one().n;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.ctx.storage.sql.exec("DELETE FROM claims WHERE expires_at <= ?", now);
    this.ctx.storage.sql.exec("DELETE FROM holds WHERE released = 1 AND release_at <= ?", now - RELEASED_KEEP_MS);
    this.alarmSet = false;
    await this.schedulePurge();
  }

  private hold(token: string): HoldRow | undefined {
    return this.ctx.storage.sql.exec<HoldRow>("SELECT * FROM holds WHERE token = ?", token).toArray()[0];
  }

  private live(keys: KeyClaim[], now: number): ClaimRow[] {
    const rows: ClaimRow[] = [];
    for (const k of keys) {
      const r = this.ctx.storage.sql
        .exec<ClaimRow>("SELECT key, owner, signed FROM claims WHERE key = ? AND expires_at > ?", k.key, now)
        .toArray()[0];
      if (r) rows.push(r);
    }
    return rows;
  }

  private put(keys: KeyClaim[], owner: string, signed: boolean, now: number): void {
    for (const k of keys) {
      this.ctx.storage.sql.exec(
        "INSERT OR REPLACE INTO claims (key, owner, signed, expires_at) VALUES (?, ?, ?, ?)",
        k.key,
        owner,
        signed ? 1 : 0,
        now + k.ttl_ms,
      );
    }
  }

  private claimOne(c: ClaimRequest, now: number): Verdict {
    const sql = this.ctx.storage.sql;
    const rows = this.live(c.keys, now);
    if (rows.some((r) => r.owner === c.token)) {
      // A redelivery of this very copy.
      const h = this.hold(c.token);
      if (!h) return { token: c.token, verdict: "admitted" };
      return h.released ? { token: c.token, verdict: "done" } : { token: c.token, verdict: "held", release_at: h.release_at };
    }
    if (rows.length === 0) {
      this.put(c.keys, c.token, c.signed, now);
      if (c.holdMs > 0 && c.event) {
        const at = now + c.holdMs;
        sql.exec(
          "INSERT OR REPLACE INTO holds (token, event, signed, merged, release_at, released) VALUES (?, ?, ?, '[]', ?, 0)",
          c.token,
          JSON.stringify(c.event),
          c.signed ? 1 : 0,
          at,
        );
        return { token: c.token, verdict: "held", release_at: at };
      }
      return { token: c.token, verdict: "admitted" };
    }
    // A copy. Prefer the owner whose hold is still open: that is where copies merge.
    const owners = [...new Set(rows.map((r) => r.owner))];
    const holds = owners.map((o) => this.hold(o));
    const open = holds.find((h) => h && !h.released);
    const mergedInto = holds.find((h) => h && (JSON.parse(h.merged) as string[]).includes(c.token));
    const idOf = (h: { event: string }) => (JSON.parse(h.event) as CanonicalEvent).event_id;
    if (mergedInto) return { token: c.token, verdict: "merged", by: mergedInto.token, into: idOf(mergedInto) };
    if (open && c.event) {
      const merged = mergeCopies({ event: JSON.parse(open.event) as CanonicalEvent, signed: open.signed === 1 }, { event: c.event, signed: c.signed });
      const tokens = [...(JSON.parse(open.merged) as string[]), c.token];
      sql.exec(
        "UPDATE holds SET event = ?, signed = ?, merged = ? WHERE token = ?",
        JSON.stringify(merged.event),
        merged.signed ? 1 : 0,
        JSON.stringify(tokens),
        open.token,
      );
      // Later copies that share only this copy's keys must find the hold too.
      this.put(c.keys, open.token, merged.signed, now);
      return { token: c.token, verdict: "merged", by: open.token, into: merged.event.event_id };
    }
    const holder = open?.token ?? owners[0]!;
    if (c.signed && rows.every((r) => r.signed === 0)) {
      // Only unsigned copies went before: they can never suppress a signed one. The signed copy now owns the keys.
      this.put(c.keys, c.token, true, now);
      return { token: c.token, verdict: "admitted", supersedes: holder };
    }
    const held = holds.find((h) => h?.token === holder);
    return held ? { token: c.token, verdict: "duplicate", by: holder, into: idOf(held) } : { token: c.token, verdict: "duplicate", by: holder };
  }

  private async schedulePurge(): Promise<void> {
    if (this.alarmSet === undefined) this.alarmSet = (await this.ctx.storage.getAlarm()) !== null;
    if (this.alarmSet) return;
    this.alarmSet = true;
    await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
  }
}
