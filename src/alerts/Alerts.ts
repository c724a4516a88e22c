/**
 * The alert state: one small SQLite-backed Durable Object (`alerts`) with a row per destination × condition
 * (firing or not, since when, when it was last notified) and the last run. Its own object rather than a row
 * in an existing one: Backlog objects are per destination and hold outage traffic, Stats is sharded and best
 * effort, while alerts need one place that decides, atomically, whether a notice is due, so two overlapping
 * cron runs never both send it. A few rows; written once per run.
 */
import { objectIn, type ObjectEnv } from "../objects/locate.ts";
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import type { Condition, Finding } from "./evaluate.ts";

export interface AlertRow {
  destination: string;
  condition: Condition;
  firing: boolean;
  /** When it started firing (epoch ms), or when it last cleared. */
  since: number;
  /** When it was last notified (epoch ms); null: never, or cleared since. */
  last_sent: number | null;
  summary: string;
}

export interface Notice {
  destination: string;
  condition: Condition;
  kind: "firing" | "resolved";
  summary: string;
  since: number;
  /** last_sent before this claim, restored if the POST fails. */
  previous: number | null;
}

export interface AlertsView {
  last_run: number | null;
  last_error: string | null;
  alerts: AlertRow[];
}

type Row = { destination: string; condition: string; firing: number; since: number; last_sent: number | null; summary: string };

export class Alerts extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS alerts (
      destination TEXT NOT NULL, condition TEXT NOT NULL, firing INTEGER NOT NULL, since INTEGER NOT NULL,
      last_sent INTEGER, summary TEXT NOT NULL, PRIMARY KEY (destination, condition)) WITHOUT ROWID`);
    sql.exec("CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, error TEXT)");
  }

  /**
   * Records this run's findings and claims the notices due: a firing condition not notified within the last
   * window, and a condition that cleared after being notified (one "resolved" message). One transaction.
   */
  settle(findings: Finding[], now: number, windowMs: number, destinations: string[]): Notice[] {
    const sql = this.ctx.storage.sql;
    const due: Notice[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const f of findings) {
        const prev = sql.exec<Row>("SELECT * FROM alerts WHERE destination = ? AND condition = ?", f.destination, f.condition).toArray()[0];
        const wasFiring = prev?.firing === 1;
        const since = wasFiring === f.firing && prev ? prev.since : now;
        let lastSent = prev?.last_sent ?? null;
        if (f.firing && (lastSent === null || now - lastSent >= windowMs)) {
          due.push({ destination: f.destination, condition: f.condition, kind: "firing", summary: f.summary, since, previous: lastSent });
          lastSent = now;
        } else if (!f.firing && wasFiring) {
          if (lastSent !== null) due.push({ destination: f.destination, condition: f.condition, kind: "resolved", summary: f.summary, since: prev!.since, previous: lastSent });
          lastSent = null;
        }
        sql.exec(
          "INSERT OR REPLACE INTO alerts (destination, condition, firing, since, last_sent, summary) VALUES (?, ?, ?, ?, ?, ?)",
          f.destination,
          f.condition,
          f.firing ? 1 : 0,
          since,
          lastSent,
          f.summary,
        );
      }
      // A destination removed from the config has nothing to alert about any more.
      const keep = new Set(destinations);
      for (const r of sql.exec<{ destination: string }>("SELECT DISTINCT destination FROM alerts").toArray()) {
        if (!keep.has(r.destination)) sql.exec("DELETE FROM alerts WHERE destination = ?", r.destination);
      }
      sql.exec("INSERT OR REPLACE INTO runs (id, at, error) VALUES (1, ?, NULL)", now);
    });
    return due;
  }

  /** The POST failed: give the notices back so the next run sends them, and say why on the inspector. */
  unclaim(notices: Notice[], error: string): void {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const n of notices) {
        // A resolved notice that failed is dropped with the error shown: the condition is clear either way.
        if (n.kind === "firing") sql.exec("UPDATE alerts SET last_sent = ? WHERE destination = ? AND condition = ?", n.previous, n.destination, n.condition);
      }
      sql.exec("UPDATE runs SET error = ? WHERE id = 1", error);
    });
  }

  view(): AlertsView {
    const sql = this.ctx.storage.sql;
    const run = sql.exec<{ at: number; error: string | null }>("SELECT at, error FROM runs WHERE id = 1").toArray()[0];
    const alerts = sql
      .exec<Row>("SELECT * FROM alerts ORDER BY firing DESC, destination, condition")
      .toArray()
      .map((r) => ({ destination: r.destination, condition: r.condition as Condition, firing: r.firing === 1, since: r.since, last_sent: r.last_sent, summary: r.summary }));
    return { last_run: run?.at ?? null, last_error: run?.error ?? null, alerts };
  }
}

export function alertsOf(env: ObjectEnv<"ALERTS">) {
  return objectIn(env, "ALERTS", "alerts");
}
