/**
 * One shard of the dead-letter store: deliveries that cannot succeed by retrying (the vendor refused the
 * payload or our credentials, or the freshness window ran out), with the vendor's answer, kept for listing and
 * replay. The payload (event, vendor answer, delivery progress) arrives sealed by the store
 * (src/delivery/deadLetterStore.ts); this object keeps rows, caps them without ever deleting one early, and
 * purges rows past their retention with its alarm.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";

export { deadLetters, DeadLettersFull, type DeadLetter, type DeadLetterInput, type DeadLetterQuery } from "./deadLetterStore.ts";

/** Rows stored before retention existed get the default. */
const LEGACY_RETENTION_MS = 30 * 86_400_000;
/** Purges run at most this often: a row may outlive its retention by up to this much. */
const PURGE_EVERY_MS = 3_600_000;

/** A row as the store hands it in: clear columns for listing, the rest in `payload` (sealed, or JSON without a key). */
export interface NewRow {
  at: number;
  expires_at: number;
  destination: string;
  event_id: string;
  reason: string;
  status: number;
  attempts: number;
  payload: string;
  /** Where the row came from (a dead-letter queue message's id): a rerun of the same message adds nothing. */
  origin?: string;
}

/** A row as stored; `payload` is null on rows written before payloads existed (their event and body are clear). */
export interface StoredRow extends NewRow {
  id: number;
  replayed_at: number | null;
  payload: string;
  legacy_event: string;
  legacy_body: string;
}

export interface ShardQuery {
  destination?: string;
  since?: number;
  withReplayed: boolean;
  limit: number;
}

type Row = Omit<StoredRow, "legacy_event" | "legacy_body" | "payload"> & { payload: string | null; event: string; body: string };

export class DeadLetters extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS dead (
         id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, destination TEXT NOT NULL,
         event_id TEXT NOT NULL, reason TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
         attempts INTEGER NOT NULL, event TEXT NOT NULL, replayed_at INTEGER, payload TEXT, expires_at INTEGER)`,
    );
    // Objects created before encryption and retention: add the columns, give old rows the default retention.
    for (const col of ["payload TEXT", "expires_at INTEGER", "origin TEXT"]) {
      try {
        sql.exec(`ALTER TABLE dead ADD COLUMN ${col}`);
      } catch {
        /* already there */
      }
    }
    sql.exec("CREATE INDEX IF NOT EXISTS dead_dest_at ON dead (destination, at)");
    sql.exec("CREATE INDEX IF NOT EXISTS dead_expires ON dead (expires_at)");
    // Rows without an origin (NULL) are never equal here: only a rerun of one origin is refused.
    sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS dead_origin ON dead (origin, destination, event_id)");
    sql.exec("UPDATE dead SET expires_at = at + ? WHERE expires_at IS NULL", LEGACY_RETENTION_MS);
    sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
    if (sql.exec("SELECT v FROM meta WHERE k = 'rows'").toArray().length === 0) {
      const n = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM dead").one().n;
      sql.exec("INSERT INTO meta (k, v) VALUES ('rows', ?)", n);
    }
    void ctx.blockConcurrencyWhile(() => this.schedulePurge());
  }

  private rows(): number {
    return this.ctx.storage.sql.exec<{ v: number }>("SELECT v FROM meta WHERE k = 'rows'").one().v;
  }

  private count(delta: number): void {
    this.ctx.storage.sql.exec("UPDATE meta SET v = v + ? WHERE k = 'rows'", delta);
  }

  /** Stores as many of `rows` as fit under `cap` (in order) and returns how many; the caller spills the rest. */
  async add(rows: NewRow[], cap: number): Promise<number> {
    const sql = this.ctx.storage.sql;
    const take = rows.slice(0, Math.max(0, cap - this.rows()));
    let added = 0;
    for (const r of take) {
      const c = sql.exec(
        `INSERT INTO dead (at, expires_at, destination, event_id, reason, status, body, attempts, event, payload, origin)
         VALUES (?, ?, ?, ?, ?, ?, '', ?, '', ?, ?) ON CONFLICT DO NOTHING`,
        r.at,
        r.expires_at,
        r.destination,
        r.event_id,
        r.reason,
        r.status,
        r.attempts,
        r.payload,
        r.origin ?? null,
      );
      if (c.rowsWritten > 0) added++;
    }
    this.count(added);
    if (added) await this.schedulePurge();
    // Rows already there from an earlier run of the same origin count as taken: they are stored.
    return take.length;
  }

  /** Oldest first; rows past their retention are never listed, even before the purge removed them. */
  list(q: ShardQuery, now: number): StoredRow[] {
    // A row without expiry was written by an earlier version since this object started; the next start dates it.
    const where: string[] = ["at >= ?", "(expires_at IS NULL OR expires_at > ?)"];
    const args: (string | number)[] = [q.since ?? 0, now];
    if (q.destination) {
      where.push("destination = ?");
      args.push(q.destination);
    }
    if (!q.withReplayed) where.push("replayed_at IS NULL");
    const limit = Math.max(1, Math.min(1_000, q.limit));
    return this.ctx.storage.sql
      .exec<Row>(`SELECT * FROM dead WHERE ${where.join(" AND ")} ORDER BY at, id LIMIT ?`, ...args, limit)
      .toArray()
      .map(({ event, body, ...r }) => ({ ...r, payload: r.payload ?? "", legacy_event: r.payload === null ? event : "", legacy_body: r.payload === null ? body : "" }));
  }

  /** Marks these rows replayed unless already marked (a concurrent replay); returns the ids it marked. */
  mark(ids: number[], now: number): number[] {
    const marked: number[] = [];
    for (const id of ids) {
      const c = this.ctx.storage.sql.exec("UPDATE dead SET replayed_at = ? WHERE id = ? AND replayed_at IS NULL", now, id);
      if (c.rowsWritten > 0) marked.push(id);
    }
    return marked;
  }

  /** Every row after `afterId`, in id order, at most `limit` (erasure scans the shard page by page). */
  page(afterId: number, limit: number): StoredRow[] {
    return this.ctx.storage.sql
      .exec<Row>("SELECT * FROM dead WHERE id > ? ORDER BY id LIMIT ?", afterId, Math.max(1, Math.min(1_000, limit)))
      .toArray()
      .map(({ event, body, ...r }) => ({ ...r, payload: r.payload ?? "", legacy_event: r.payload === null ? event : "", legacy_body: r.payload === null ? body : "" }));
  }

  /** Deletes these rows (erasure); returns how many were there. */
  remove(ids: number[]): number {
    let n = 0;
    for (const id of ids) n += this.ctx.storage.sql.exec("DELETE FROM dead WHERE id = ?", id).rowsWritten > 0 ? 1 : 0;
    if (n) this.count(-n);
    return n;
  }

  /** Re-enqueueing failed: the entries are dead letters again. */
  unmark(ids: number[]): void {
    for (const id of ids) this.ctx.storage.sql.exec("UPDATE dead SET replayed_at = NULL WHERE id = ?", id);
  }

  size(): number {
    return this.rows();
  }

  /** Retention: drops rows whose time is up, then sleeps until the next one's (at most one purge an hour). */
  override async alarm(): Promise<void> {
    const gone = this.ctx.storage.sql.exec("DELETE FROM dead WHERE expires_at <= ?", Date.now()).rowsWritten;
    if (gone) this.count(-gone);
    const next = this.nextExpiry();
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now() + PURGE_EVERY_MS));
  }

  private nextExpiry(): number | null {
    return this.ctx.storage.sql.exec<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM dead").one().t;
  }

  /** Makes sure a purge is due by the earliest expiry (give or take an hour of coalescing). */
  private async schedulePurge(): Promise<void> {
    const next = this.nextExpiry();
    if (next === null) return;
    const at = Math.max(next, Date.now() + 1_000);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at + PURGE_EVERY_MS) await this.ctx.storage.setAlarm(at);
  }
}
