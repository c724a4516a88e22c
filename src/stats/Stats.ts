/**
 * Counters per day, event and destination (received, invalid, deduped, consent_blocked, bot_filtered,
 * delivered, retried, dead_lettered, …), so a team can reconcile Tagwire's numbers with its CRM's. Sharded by
 * event name (see shardFor) so no single object takes every write.
 */
import { DurableObject } from "cloudflare:workers";

export interface CounterRow {
  day: string;
  event: string;
  destination: string;
  metric: string;
  n: number;
}

const KEEP_DAYS = 90;

export class Stats extends DurableObject {
  private ready = false;

  private init(): void {
    if (this.ready) return;
    this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS counters (
      day TEXT NOT NULL, event TEXT NOT NULL, destination TEXT NOT NULL, metric TEXT NOT NULL, n INTEGER NOT NULL,
      PRIMARY KEY (day, event, destination, metric)) WITHOUT ROWID`);
    this.ready = true;
  }

  add(rows: CounterRow[]): void {
    this.init();
    for (const r of rows) {
      this.ctx.storage.sql.exec(
        `INSERT INTO counters (day, event, destination, metric, n) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (day, event, destination, metric) DO UPDATE SET n = n + excluded.n`,
        r.day,
        r.event,
        r.destination,
        r.metric,
        r.n,
      );
    }
    const oldest = new Date(Date.now() - KEEP_DAYS * 86_400_000).toISOString().slice(0, 10);
    this.ctx.storage.sql.exec("DELETE FROM counters WHERE day < ?", oldest);
  }

  list(since: string): CounterRow[] {
    this.init();
    return this.ctx.storage.sql
      .exec<{ day: string; event: string; destination: string; metric: string; n: number }>(
        "SELECT day, event, destination, metric, n FROM counters WHERE day >= ? ORDER BY day, event, destination, metric",
        since,
      )
      .toArray()
      .map((r) => ({ ...r }));
  }
}
