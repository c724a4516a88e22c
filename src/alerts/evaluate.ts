/**
 * Which alert conditions hold for each destination, from the ledger's counts of one window, the same window
 * on previous days, and the destinations' health. Pure: the cron run (run.ts) reads, this judges.
 */
import type { Config } from "../config/schema.ts";

export const CONDITIONS = ["down", "auth", "failure_rate", "dead_letter_rate", "traffic_drop"] as const;
export type Condition = (typeof CONDITIONS)[number];

export interface Finding {
  destination: string;
  condition: Condition;
  firing: boolean;
  /** For people: what was measured against what. */
  summary: string;
}

/** Per destination, outcome rows by reason (and `auth`) of the events accepted in one window. */
export type WindowCounts = Map<string, Map<string, number>>;

export interface Observed {
  current: WindowCounts;
  /** The same window of the day on each previous day (baseline_days of them). */
  previous: WindowCounts[];
  /** Destinations whose Backlog says down, with since (epoch ms) and events parked. */
  down: Map<string, { since: number; parked: number }>;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const total = (t: Map<string, number> | undefined) => {
  let n = 0;
  for (const [k, v] of t ?? []) if (k !== "auth") n += v;
  return n;
};

export function evaluate(cfg: Config, o: Observed): Finding[] {
  const a = cfg.alerts;
  const win = `${a.window_minutes} min`;
  const out: Finding[] = [];
  for (const [id, dest] of Object.entries(cfg.destinations)) {
    if (!dest.enabled) continue;
    const t = o.current.get(id) ?? new Map<string, number>();
    const n = (r: string) => t.get(r) ?? 0;
    const push = (condition: Condition, firing: boolean, summary: string) => out.push({ destination: id, condition, firing, summary });

    if (a.down) {
      const d = o.down.get(id);
      push("down", d !== undefined, d ? `down since ${new Date(d.since).toISOString()}, ${d.parked} events parked until it answers again` : "up");
    }

    const auth = n("auth");
    push(
      "auth",
      auth > 0,
      auth > 0
        ? `${auth} ${auth === 1 ? "delivery" : "deliveries"} refused for authentication (401/403) in the last ${win}: check the destination's secret`
        : `no delivery refused for authentication in the last ${win}`,
    );

    // Deliveries that were attempted: what the vendor answered for. Skips (consent, unmapped…), held copies and
    // our own rate-limit pacing say nothing about the vendor.
    const dead = n("dead_lettered") + n("expired");
    const failed = dead + n("retrying");
    const attempted = failed + n("delivered");
    const enough = attempted >= a.min_events;
    // A rate of too few deliveries is not judged: the summary says so, or "100% … firing: false" reads as a bug.
    const unjudged = enough ? "" : `not judged: ${attempted} ${attempted === 1 ? "delivery" : "deliveries"}, under min_events = ${a.min_events}; `;
    const failRate = attempted ? failed / attempted : 0;
    push(
      "failure_rate",
      enough && failRate > a.failure_rate,
      `${unjudged}${pct(failRate)} of deliveries failing (${failed} of ${attempted} retrying or dead) in the last ${win}; threshold ${pct(a.failure_rate)}`,
    );
    const deadRate = attempted ? dead / attempted : 0;
    push(
      "dead_letter_rate",
      enough && deadRate > a.dead_letter_rate,
      `${unjudged}${pct(deadRate)} of deliveries dead-lettered (${dead} of ${attempted}) in the last ${win}; threshold ${pct(a.dead_letter_rate)}`,
    );

    if (a.traffic_drop_ratio > 0 && o.previous.length > 0) {
      const now = total(t);
      const usual = o.previous.reduce((s, w) => s + total(w.get(id)), 0) / o.previous.length;
      const judged = usual >= a.min_usual;
      push(
        "traffic_drop",
        judged && now < usual * a.traffic_drop_ratio,
        `${now} events in the last ${win}, usually ${Math.round(usual)} (the same ${win} of the day over the previous ${o.previous.length} days); alert below ${pct(a.traffic_drop_ratio)} of usual`,
      );
    }
  }
  return out;
}
