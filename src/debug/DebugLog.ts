/**
 * A small ring buffer of recent canonical events and outbound requests (sent or recorded in dry_run), for the
 * debug view. One object per Worker; only written when `debug = true`.
 */
import { DurableObject } from "cloudflare:workers";

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

  clear(): void {
    this.init();
    this.ctx.storage.sql.exec("DELETE FROM log");
  }
}
