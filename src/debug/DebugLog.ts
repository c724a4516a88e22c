/**
 * A small ring buffer of recent canonical events, raw requests as received, and outbound requests (sent or
 * recorded in dry_run), for the inspector and P/debug/*. One object per Worker. Written with `debug = true`,
 * for dry_run destinations, and while an operator's capture runs (src/debug/capture.ts); outside debug every
 * entry carries an expiry and an alarm deletes it then. The capture's state lives here too.
 */
import { DurableObject } from "cloudflare:workers";
import type { CanonicalEvent } from "../event/canonical.ts";
import { eventMatches, rawIdentifiers } from "../identity/graph/match.ts";

/** An operator's capture (src/debug/capture.ts). */
export interface CaptureState {
  /** Epoch ms the capture ends by itself. */
  until: number;
  started_at: number;
  /** Who switched it on: "admin token", an Access email, or "localhost". */
  by: string;
  /** Only these event names (null: every event). */
  events: string[] | null;
}

export type DebugKind = "event" | "request" | "received";
const KEEP = 500;
/** Entries of a kind beyond KEEP before a trim runs: one trim per SLACK inserts instead of one per call. */
const SLACK = 100;

export class DebugLog extends DurableObject {
  private ready = false;

  private init(): void {
    if (this.ready) return;
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, data TEXT NOT NULL, expires_at INTEGER)");
    // Logs created before entries could expire lack the column.
    if (!sql.exec<{ name: string }>("PRAGMA table_info(log)").toArray().some((c) => c.name === "expires_at")) sql.exec("ALTER TABLE log ADD COLUMN expires_at INTEGER");
    sql.exec("CREATE INDEX IF NOT EXISTS log_kind ON log (kind, seq)");
    sql.exec("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.ready = true;
  }

  /** Entries per kind, counted once per wake-up and kept up to date after. */
  private counts: Map<DebugKind, number> | null = null;
  /** The alarm as last set (undefined: not read yet). */
  private alarmAt: number | null | undefined;

  private count(kind: DebugKind): number {
    if (!this.counts) {
      this.counts = new Map();
      for (const r of this.ctx.storage.sql.exec<{ kind: DebugKind; n: number }>("SELECT kind, COUNT(*) AS n FROM log GROUP BY kind")) this.counts.set(r.kind, r.n);
    }
    return this.counts.get(kind) ?? 0;
  }

  /** Appends entries, keeping the newest KEEP of each kind; `expiresAt` (epoch ms) deletes them then. */
  async add(kind: DebugKind, items: unknown[], expiresAt: number | null = null): Promise<void> {
    this.init();
    const sql = this.ctx.storage.sql;
    let n = this.count(kind);
    for (const item of items) sql.exec("INSERT INTO log (kind, data, expires_at) VALUES (?, ?, ?)", kind, JSON.stringify(item), expiresAt);
    n += items.length;
    if (n > KEEP + SLACK) {
      sql.exec("DELETE FROM log WHERE kind = ? AND seq <= (SELECT seq FROM log WHERE kind = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)", kind, kind, KEEP);
      n = KEEP;
    }
    this.counts!.set(kind, n);
    if (expiresAt !== null) {
      if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
      if (this.alarmAt === null || this.alarmAt > expiresAt) {
        await this.ctx.storage.setAlarm(expiresAt);
        this.alarmAt = expiresAt;
      }
    }
  }

  /** Newest first; entries past their expiry are never answered, even before the alarm deleted them. */
  list(kind: DebugKind, limit: number, now = Date.now()): unknown[] {
    this.init();
    return this.ctx.storage.sql
      .exec<{ data: string }>(
        "SELECT data FROM log WHERE kind = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY seq DESC LIMIT ?",
        kind,
        now,
        Math.min(limit, KEEP),
      )
      .toArray()
      .map((r) => JSON.parse(r.data) as unknown);
  }

  /** The capture as last set (null: never started, or stopped). */
  capture(): CaptureState | null {
    this.init();
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'capture'").toArray()[0];
    return row ? (JSON.parse(row.value) as CaptureState) : null;
  }

  setCapture(state: CaptureState | null): CaptureState | null {
    this.init();
    if (state === null) this.ctx.storage.sql.exec("DELETE FROM settings WHERE key = 'capture'");
    else this.ctx.storage.sql.exec("INSERT OR REPLACE INTO settings (key, value) VALUES ('capture', ?)", JSON.stringify(state));
    return state;
  }

  /** Deletes expired entries, then waits for the next expiry. */
  override async alarm(): Promise<void> {
    this.init();
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM log WHERE expires_at IS NOT NULL AND expires_at <= ?", now);
    this.counts = null;
    const next = sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM log WHERE expires_at IS NOT NULL").toArray()[0]?.at ?? null;
    if (next !== null) await this.ctx.storage.setAlarm(next);
    this.alarmAt = next;
  }

  /**
   * Erasure: deletes logged events that carry one of these hashed identity keys, then every logged request
   * whose body mentions one of those events' ids or raw identifiers. Returns how many entries went.
   */
  async erase(keys: string[]): Promise<number> {
    this.init();
    const sql = this.ctx.storage.sql;
    const set = new Set(keys);
    // Outbound bodies carry the email hashed the same way the graph hashes it (SHA-256 of the trimmed, lowercased address).
    const needles = new Set<string>(keys.filter((k) => k.startsWith("e:")).map((k) => k.slice(2)));
    let n = 0;
    for (const r of sql.exec<{ seq: number; data: string }>("SELECT seq, data FROM log WHERE kind = 'event'").toArray()) {
      const e = JSON.parse(r.data) as CanonicalEvent;
      if (!(await eventMatches(e, set))) continue;
      needles.add(e.event_id);
      for (const v of rawIdentifiers(e)) needles.add(v);
      sql.exec("DELETE FROM log WHERE seq = ?", r.seq);
      n++;
    }
    for (const r of sql.exec<{ seq: number; data: string }>("SELECT seq, data FROM log WHERE kind IN ('request', 'received')").toArray()) {
      if ([...needles].some((x) => r.data.includes(x))) {
        sql.exec("DELETE FROM log WHERE seq = ?", r.seq);
        n++;
      }
    }
    this.counts = null;
    return n;
  }

  clear(): void {
    this.init();
    this.ctx.storage.sql.exec("DELETE FROM log");
    this.counts = null;
  }
}
