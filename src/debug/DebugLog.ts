/**
 * A small ring buffer of recent canonical events and outbound requests (sent or recorded in dry_run), for the
 * debug view. One object per Worker; only written when `debug = true`.
 */
import { DurableObject } from "cloudflare:workers";
import type { CanonicalEvent } from "../event/canonical.ts";
import { eventMatches, rawIdentifiers } from "../identity/graph/match.ts";

export type DebugKind = "event" | "request";
const KEEP = 500;

export class DebugLog extends DurableObject {
  private ready = false;

  private init(): void {
    if (this.ready) return;
    this.ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, data TEXT NOT NULL)",
    );
    this.ready = true;
  }

  add(kind: DebugKind, items: unknown[]): void {
    this.init();
    for (const item of items) this.ctx.storage.sql.exec("INSERT INTO log (kind, data) VALUES (?, ?)", kind, JSON.stringify(item));
    this.ctx.storage.sql.exec(
      "DELETE FROM log WHERE kind = ? AND seq <= (SELECT seq FROM log WHERE kind = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
      kind,
      kind,
      KEEP,
    );
  }

  list(kind: DebugKind, limit: number): unknown[] {
    this.init();
    return this.ctx.storage.sql
      .exec<{ data: string }>("SELECT data FROM log WHERE kind = ? ORDER BY seq DESC LIMIT ?", kind, Math.min(limit, KEEP))
      .toArray()
      .map((r) => JSON.parse(r.data) as unknown);
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
    for (const r of sql.exec<{ seq: number; data: string }>("SELECT seq, data FROM log WHERE kind = 'request'").toArray()) {
      if ([...needles].some((x) => r.data.includes(x))) {
        sql.exec("DELETE FROM log WHERE seq = ?", r.seq);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.init();
    this.ctx.storage.sql.exec("DELETE FROM log");
  }
}
