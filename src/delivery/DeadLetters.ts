/**
 * The dead-letter store: deliveries that cannot succeed by retrying (the vendor refused the payload or our
 * credentials, or the freshness window ran out), with the vendor's answer, kept for listing and replay.
 * One SQLite-backed object per Worker: dead letters are rare, and one place makes listing exact.
 */
import { DurableObject } from "cloudflare:workers";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import { eventMatches } from "../identity/graph/match.ts";

/** Oldest rows go first beyond this, so a misconfigured destination cannot grow storage without bound. */
const KEEP = 100_000;

export interface DeadLetterInput {
  destination: string;
  event: CanonicalEvent;
  attempts: number;
  /** Outcome kind that ended delivery: drop, auth, expired (retries outlived freshness) or consumer. */
  reason: string;
  status: number;
  body: string;
}

export interface DeadLetter extends DeadLetterInput {
  id: number;
  event_id: string;
  at: string;
  replayed_at: string | null;
}

export interface DeadLetterQuery {
  destination?: string;
  /** Epoch ms: only dead letters recorded at or after this. */
  since?: number;
  /** Include entries already replayed (listing only). */
  replayed?: boolean;
  limit?: number;
}

type Row = {
  id: number;
  at: number;
  destination: string;
  event_id: string;
  reason: string;
  status: number;
  body: string;
  attempts: number;
  event: string;
  replayed_at: number | null;
};

export class DeadLetters extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS dead (
         id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, destination TEXT NOT NULL,
         event_id TEXT NOT NULL, reason TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
         attempts INTEGER NOT NULL, event TEXT NOT NULL, replayed_at INTEGER)`,
    );
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS dead_dest_at ON dead (destination, at)");
  }

  add(entries: DeadLetterInput[], now: number): void {
    const sql = this.ctx.storage.sql;
    for (const e of entries) {
      sql.exec(
        "INSERT INTO dead (at, destination, event_id, reason, status, body, attempts, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        now,
        e.destination,
        e.event.event_id,
        e.reason,
        e.status,
        e.body.slice(0, 4_000),
        e.attempts,
        JSON.stringify(e.event),
      );
    }
    sql.exec("DELETE FROM dead WHERE id <= (SELECT id FROM dead ORDER BY id DESC LIMIT 1 OFFSET ?)", KEEP);
  }

  list(q: DeadLetterQuery): DeadLetter[] {
    return this.select(q, q.replayed === true).map(toDeadLetter);
  }

  /** Marks matching, not yet replayed dead letters as replayed and returns them for re-enqueueing. */
  takeForReplay(q: DeadLetterQuery, now: number): DeadLetter[] {
    const rows = this.select(q, false);
    for (const r of rows) this.ctx.storage.sql.exec("UPDATE dead SET replayed_at = ? WHERE id = ?", now, r.id);
    return rows.map((r) => toDeadLetter({ ...r, replayed_at: now }));
  }

  /** Re-enqueueing failed: the entries are dead letters again. */
  unmark(ids: number[]): void {
    for (const id of ids) this.ctx.storage.sql.exec("UPDATE dead SET replayed_at = NULL WHERE id = ?", id);
  }

  /** Erasure (docs/identity.md): deletes dead letters whose event carries one of these hashed identity keys. */
  async erase(keys: string[]): Promise<number> {
    const set = new Set(keys);
    let n = 0;
    for (const r of this.ctx.storage.sql.exec<{ id: number; event: string }>("SELECT id, event FROM dead").toArray()) {
      if (await eventMatches(JSON.parse(r.event) as CanonicalEvent, set)) {
        this.ctx.storage.sql.exec("DELETE FROM dead WHERE id = ?", r.id);
        n++;
      }
    }
    return n;
  }

  private select(q: DeadLetterQuery, withReplayed: boolean): Row[] {
    const where: string[] = ["at >= ?"];
    const args: (string | number)[] = [q.since ?? 0];
    if (q.destination) {
      where.push("destination = ?");
      args.push(q.destination);
    }
    if (!withReplayed) where.push("replayed_at IS NULL");
    const limit = Math.max(1, Math.min(1_000, q.limit ?? 100));
    return this.ctx.storage.sql.exec<Row>(`SELECT * FROM dead WHERE ${where.join(" AND ")} ORDER BY id LIMIT ?`, ...args, limit).toArray();
  }
}

function toDeadLetter(r: Row): DeadLetter {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    destination: r.destination,
    event_id: r.event_id,
    reason: r.reason,
    status: r.status,
    body: r.body,
    attempts: r.attempts,
    event: JSON.parse(r.event) as CanonicalEvent,
    replayed_at: r.replayed_at === null ? null : new Date(r.replayed_at).toISOString(),
  };
}

export function deadLetters(env: Env) {
  return env.DEAD_LETTERS.get(env.DEAD_LETTERS.idFromName("dead-letters"));
}
