/**
 * One shard of the dedupe store: a SQLite-backed Durable Object holding dedupe keys until they expire.
 * A claim checks and inserts all of one event's keys in this shard in a single synchronous step, so the
 * object's single-threaded input gate makes "seen before?" exact under any concurrency.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";

/** How long a claim waits for its confirmation (the event reached the queue) before it lapses. */
export const PENDING_MS = 60_000;
/** Alarms are coalesced: the purge runs at most this often. */
const PURGE_EVERY_MS = 60_000;

export interface KeyClaim {
  key: string;
  /** How long the key dedupes once confirmed. */
  ttl_ms: number;
}

export interface Claim {
  token: string;
  keys: KeyClaim[];
}

export class Deduper extends DurableObject {
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS keys (
         key TEXT PRIMARY KEY, token TEXT NOT NULL, pending INTEGER NOT NULL,
         ttl_ms INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
    );
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS keys_token ON keys (token)");
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS keys_expiry ON keys (expires_at)");
  }

  /**
   * Claims each claim's keys as pending, all or nothing per claim, in order. Returns the tokens refused
   * because one of their keys is already held (pending or confirmed) by another token and not expired.
   */
  async claim(claims: Claim[], now: number): Promise<string[]> {
    const sql = this.ctx.storage.sql;
    const refused: string[] = [];
    for (const c of claims) {
      const taken = c.keys.some(
        (k) => sql.exec("SELECT 1 FROM keys WHERE key = ? AND expires_at > ? AND token != ?", k.key, now, c.token).toArray().length > 0,
      );
      if (taken) {
        refused.push(c.token);
        continue;
      }
      for (const k of c.keys) {
        sql.exec(
          "INSERT OR REPLACE INTO keys (key, token, pending, ttl_ms, expires_at) VALUES (?, ?, 1, ?, ?)",
          k.key,
          c.token,
          k.ttl_ms,
          now + PENDING_MS,
        );
      }
    }
    await this.schedulePurge();
    return refused;
  }

  /** The events behind these tokens are durably queued: their keys now dedupe for their full window. */
  confirm(tokens: string[], now: number): void {
    for (const t of tokens) this.ctx.storage.sql.exec("UPDATE keys SET pending = 0, expires_at = ? + ttl_ms WHERE token = ?", now, t);
  }

  /** The events behind these tokens were not queued: forget their pending keys so a retry goes through. */
  release(tokens: string[]): void {
    for (const t of tokens) this.ctx.storage.sql.exec("DELETE FROM keys WHERE token = ? AND pending = 1", t);
  }

  /** Number of keys stored (expired ones included until the next purge). */
  size(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM keys").one().n;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.ctx.storage.sql.exec("DELETE FROM keys WHERE expires_at <= ?", now);
    this.alarmAt = null;
    await this.schedulePurge();
  }

  private async schedulePurge(): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null) return;
    const next = this.ctx.storage.sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM keys").one().at;
    if (next === null) return;
    this.alarmAt = Math.max(next, Date.now() + PURGE_EVERY_MS);
    await this.ctx.storage.setAlarm(this.alarmAt);
  }
}
