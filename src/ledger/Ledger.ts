/**
 * One shard of one day of the delivery ledger: a SQLite-backed Durable Object named `<day>:<n>` holding the
 * events accepted that day whose event_id hashes to n (record.ts). Two tables, no rowid:
 * - events: one row per copy of an event (the copy that went on, and each deduped, merged or replayed copy);
 * - outcomes: one row per event × destination.
 * Writes are upserts that only move forward (reasons.ts rankOf), so a redelivered batch rewrites the same
 * rows and never turns delivered back into retrying. The object deletes itself `retention_days` after its day.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { rankOf, REASONS, type Reason } from "./reasons.ts";
import type { EventRow, OutcomeRow } from "./rows.ts";
import type { ReconcileRow } from "./reconcile.ts";

const DAY_MS = 86_400_000;

export interface LedgerQuery {
  name?: string;
  source?: string;
  destination?: string;
  /** A reason code or an outcome class (delivered, not_sent, dead, pending). */
  outcome?: string;
  event_id?: string;
  order_id?: string;
  /** Hashed anonymous id or user id (rows.ts hashId). */
  anon?: string;
  /** One box for people: an event_id, a business key, or a hashed anonymous or user id. */
  search?: { text: string; hashed: string };
  from?: number;
  to?: number;
  limit?: number;
}

export interface CountRow {
  name: string;
  destination: string;
  reason: string;
  n: number;
}

/** Outcome rows of the events accepted in one window, per destination and reason; `auth`: dead letters refused for auth. */
export interface WindowRow {
  destination: string;
  reason: string;
  auth: number;
  n: number;
}

export interface ListedEvent extends EventRow {
  outcomes: OutcomeRow[];
}

const COPY_RANK = "CASE state WHEN 'held' THEN 0 ELSE 1 END";

export class Ledger extends DurableObject<Env> {
  private ready = false;

  /** The tables, created on first use (and again after a purge emptied the object). */
  private db(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (this.ready) return sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS events (
      event_id TEXT NOT NULL, id TEXT NOT NULL, day TEXT NOT NULL, at INTEGER NOT NULL, name TEXT NOT NULL,
      source TEXT NOT NULL, state TEXT NOT NULL, by TEXT, anon TEXT, user TEXT, order_id TEXT, value REAL,
      currency TEXT, info TEXT NOT NULL, keys TEXT, estimated INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (event_id, id)) WITHOUT ROWID`);
    // Objects created before erasure reached the ledger lack the person's hashed keys column.
    const cols = new Set(sql.exec<{ name: string }>("PRAGMA table_info(events)").toArray().map((c) => c.name));
    if (!cols.has("keys")) sql.exec("ALTER TABLE events ADD COLUMN keys TEXT");
    // Likewise the mark of a value that is the plan's estimate (older rows read as actual values).
    if (!cols.has("estimated")) sql.exec("ALTER TABLE events ADD COLUMN estimated INTEGER NOT NULL DEFAULT 0");
    sql.exec("CREATE INDEX IF NOT EXISTS events_at ON events (at)");
    sql.exec(`CREATE TABLE IF NOT EXISTS outcomes (
      event_id TEXT NOT NULL, destination TEXT NOT NULL, day TEXT NOT NULL, at INTEGER NOT NULL, name TEXT NOT NULL,
      source TEXT NOT NULL, rank INTEGER NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, status INTEGER NOT NULL,
      excerpt TEXT NOT NULL, attempt INTEGER NOT NULL, next_at INTEGER, updated_at INTEGER NOT NULL,
      PRIMARY KEY (event_id, destination)) WITHOUT ROWID`);
    this.ready = true;
    return sql;
  }

  /** Writes one batch's rows for this shard in one transaction; schedules the purge of this day. */
  async record(events: EventRow[], outcomes: OutcomeRow[], day: string, retentionDays: number, renamed: string[] = []): Promise<void> {
    const sql = this.db();
    this.ctx.storage.transactionSync(() => {
      // Holds released under another event_id (rows.ts LedgerRows.renamed): only rows still held go.
      for (const id of renamed) {
        sql.exec("DELETE FROM events WHERE event_id = ? AND id = ? AND state = 'held'", id, id);
        sql.exec("DELETE FROM outcomes WHERE event_id = ? AND rank = 0", id);
      }
      for (const e of events) {
        sql.exec(
          `INSERT INTO events (event_id, id, day, at, name, source, state, by, anon, user, order_id, value, currency, info, keys, estimated)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (event_id, id) DO UPDATE SET state = excluded.state, info = excluded.info, value = excluded.value,
             currency = excluded.currency, order_id = excluded.order_id, estimated = excluded.estimated
           WHERE (CASE excluded.state WHEN 'held' THEN 0 ELSE 1 END) > ${COPY_RANK}`,
          e.event_id, e.id, e.day, e.at, e.name, e.source, e.state, e.by, e.anon, e.user, e.order_id, e.value, e.currency, e.info, e.keys, e.estimated ? 1 : 0,
        );
      }
      for (const o of outcomes) {
        sql.exec(
          `INSERT INTO outcomes (event_id, destination, day, at, name, source, rank, reason, detail, status, excerpt, attempt, next_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (event_id, destination) DO UPDATE SET rank = excluded.rank, reason = excluded.reason,
             detail = excluded.detail, status = excluded.status, excerpt = excluded.excerpt, attempt = excluded.attempt,
             next_at = excluded.next_at, updated_at = excluded.updated_at
           WHERE excluded.rank > outcomes.rank OR (excluded.rank = 1 AND outcomes.rank = 1 AND excluded.attempt > outcomes.attempt)`,
          o.event_id, o.destination, o.day, o.at, o.name, o.source, rankOf(o.reason), o.reason, o.detail, o.status, o.excerpt, o.attempt, o.next_at, o.updated_at,
        );
      }
    });
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.parse(`${day}T00:00:00Z`) + (retentionDays + 1) * DAY_MS);
    }
  }

  /** Counts per event name, destination and reason; copies per name and state under destination "". */
  counts(): CountRow[] {
    const sql = this.db();
    const out = sql.exec<{ name: string; destination: string; reason: string; n: number }>(
      "SELECT name, destination, reason, COUNT(*) AS n FROM outcomes GROUP BY name, destination, reason",
    ).toArray();
    const copies = sql.exec<{ name: string; reason: string; n: number }>("SELECT name, state AS reason, COUNT(*) AS n FROM events GROUP BY name, state").toArray();
    return [...out.map((r) => ({ ...r })), ...copies.map((r) => ({ name: r.name, destination: "", reason: r.reason, n: r.n }))];
  }

  /**
   * For alerts (src/alerts): per window [from, to), the outcome rows of the events accepted in it, found through
   * the events' time index. An object never written (a day without events, or one not yet reached) answers
   * nothing and is left empty rather than given tables it would keep without a purge alarm.
   */
  windows(ranges: readonly (readonly [number, number])[]): WindowRow[][] {
    const raw = this.ctx.storage.sql;
    if (!this.ready && raw.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'").toArray().length === 0) return ranges.map(() => []);
    const sql = this.db();
    return ranges.map(([from, to]) =>
      sql
        .exec<{ destination: string; reason: string; auth: number; n: number }>(
          `SELECT destination, reason, SUM(detail = 'auth' OR detail LIKE 'auth:%') AS auth, COUNT(*) AS n FROM outcomes
           WHERE event_id IN (SELECT event_id FROM events WHERE at >= ? AND at < ? AND state IN ('admitted', 'held'))
           GROUP BY destination, reason`,
          from,
          to,
        )
        .toArray()
        .map((r) => ({ ...r })),
    );
  }

  /** Events newest first (with their outcomes), filtered. */
  list(q: LedgerQuery): ListedEvent[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const eq = (col: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(`${col} = ?`);
      args.push(v);
    };
    eq("name", q.name);
    eq("source", q.source);
    eq("event_id", q.event_id);
    eq("order_id", q.order_id);
    if (q.anon !== undefined) {
      where.push("(anon = ? OR user = ?)");
      args.push(q.anon, q.anon);
    }
    if (q.search !== undefined) {
      where.push("(event_id = ? OR order_id = ? OR anon = ? OR user = ?)");
      args.push(q.search.text, q.search.text, q.search.hashed, q.search.hashed);
    }
    if (q.from !== undefined) (where.push("at >= ?"), args.push(q.from));
    if (q.to !== undefined) (where.push("at < ?"), args.push(q.to));
    if (q.destination !== undefined || q.outcome !== undefined) {
      const sub: string[] = ["o.event_id = events.event_id"];
      if (q.destination !== undefined) (sub.push("o.destination = ?"), args.push(q.destination));
      if (q.outcome !== undefined) {
        const reasons = q.outcome in REASONS ? [q.outcome] : Object.entries(REASONS).filter(([, c]) => c === q.outcome).map(([r]) => r);
        sub.push(`o.reason IN (${reasons.map(() => "?").join(", ") || "NULL"})`);
        args.push(...reasons);
      }
      where.push(`EXISTS (SELECT 1 FROM outcomes o WHERE ${sub.join(" AND ")})`);
    }
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 5000);
    const sql = this.db();
    const events = sql
      .exec<Record<string, SqlStorageValue>>(`SELECT * FROM events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC LIMIT ${limit}`, ...args)
      .toArray()
      .map((r) => ({ ...r, estimated: r.estimated === 1 })) as unknown as EventRow[];
    const ids = [...new Set(events.map((e) => e.event_id))];
    const outcomes = new Map<string, OutcomeRow[]>();
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      const rows = sql
        .exec<Record<string, SqlStorageValue>>(`SELECT * FROM outcomes WHERE event_id IN (${slice.map(() => "?").join(", ")}) ORDER BY destination`, ...slice)
        .toArray() as unknown as (OutcomeRow & { rank: number })[];
      for (const { rank: _rank, ...o } of rows) {
        const list = outcomes.get(o.event_id) ?? [];
        list.push({ ...o, reason: o.reason as Reason });
        outcomes.set(o.event_id, list);
      }
    }
    return events.map((e) => ({ ...e, outcomes: outcomes.get(e.event_id) ?? [] }));
  }

  /**
   * Reconciliation's compact rows: the copies that went on with a business key or a value, accepted within
   * [from, to), oldest first, with each destination's reason only (no timeline, no excerpts).
   */
  conversions(from: number, to: number, limit: number): ReconcileRow[] {
    const sql = this.db();
    const rows = sql
      .exec<{ event_id: string; order_id: string | null; name: string; at: number; value: number | null; currency: string | null; estimated: number; outcomes: string | null }>(
        `SELECT e.event_id, e.order_id, e.name, e.at, e.value, e.currency, e.estimated,
           (SELECT json_group_object(o.destination, o.reason) FROM outcomes o WHERE o.event_id = e.event_id) AS outcomes
         FROM events e WHERE e.state IN ('admitted', 'held') AND (e.order_id IS NOT NULL OR e.value IS NOT NULL) AND e.at >= ? AND e.at < ?
         ORDER BY e.at LIMIT ?`,
        from,
        to,
        Math.min(Math.max(limit, 1), 10_000),
      )
      .toArray();
    return rows.map((r) => ({
      key: r.order_id ?? r.event_id,
      event_id: r.event_id,
      order_id: r.order_id,
      name: r.name,
      accepted_at: new Date(r.at).toISOString(),
      value: r.value,
      currency: r.currency,
      estimated: r.estimated === 1,
      // Plain objects cross RPC (null-prototype ones do not); destination ids are config keys, [a-z][a-z0-9_]*.
      outcomes: JSON.parse(r.outcomes ?? "{}") as Record<string, string>,
    }));
  }

  /**
   * Erasure (docs/identity.md): deletes every event, with all its copies and outcomes, that carries one of
   * these hashes: `ids` as the anonymous or user id column holds them, `keys` as the keys column does (the
   * person's identity-graph keys, so an email also reaches the anonymous ids it was linked to). Returns the
   * number of events deleted.
   */
  erase(ids: string[], keys: string[]): number {
    // Most days × shards asked hold nothing (or were purged): no tables are created just to look.
    if (!this.ready && this.ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").toArray().length === 0) return 0;
    const sql = this.db();
    const idSet = new Set(ids);
    const keySet = new Set(keys);
    const gone = new Set<string>();
    for (const r of sql.exec<{ event_id: string; anon: string | null; user: string | null; keys: string | null }>("SELECT event_id, anon, user, keys FROM events")) {
      if ((r.anon !== null && idSet.has(r.anon)) || (r.user !== null && idSet.has(r.user)) || (r.keys ?? "").split(" ").some((k) => keySet.has(k))) gone.add(r.event_id);
    }
    const list = [...gone];
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < list.length; i += 50) {
        const slice = list.slice(i, i + 50);
        const marks = slice.map(() => "?").join(", ");
        sql.exec(`DELETE FROM events WHERE event_id IN (${marks})`, ...slice);
        sql.exec(`DELETE FROM outcomes WHERE event_id IN (${marks})`, ...slice);
      }
    });
    return list.length;
  }

  /** The day is past its retention: everything goes. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.ready = false;
  }
}
