/**
 * Turning pipeline and delivery results into counter rows, and writing them to the Stats shards. Counting
 * never blocks or fails a request: writes go through waitUntil and errors are logged, not thrown.
 */
import type { EventResult } from "../delivery/deliver.ts";
import type { PipelineResult } from "../pipeline/index.ts";
import type { CounterRow } from "./Stats.ts";

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Metrics that have no destination use this in the destination column. */
export const NO_DESTINATION = "-";

export const STATS_SHARDS = 8;

/** Minimal view of the binding, so tests and callers need not know the DO class. */
export interface StatsNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): { add(rows: CounterRow[]): Promise<void> | void; list(since: string): Promise<CounterRow[]> | CounterRow[] };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function shardFor(event: string): string {
  return `stats-${hash(event) % STATS_SHARDS}`;
}

export class Counter {
  private rows = new Map<string, CounterRow>();
  constructor(private readonly day: string) {}

  add(event: string, destination: string, metric: string, n = 1): void {
    const key = `${event}\u0000${destination}\u0000${metric}`;
    const row = this.rows.get(key);
    if (row) row.n += n;
    else this.rows.set(key, { day: this.day, event, destination, metric, n });
  }

  get size(): number {
    return this.rows.size;
  }

  async flush(ns: StatsNamespace | undefined): Promise<void> {
    if (!ns || this.rows.size === 0) return;
    const byShard = new Map<string, CounterRow[]>();
    for (const r of this.rows.values()) {
      const s = shardFor(r.event);
      const list = byShard.get(s) ?? [];
      list.push(r);
      byShard.set(s, list);
    }
    this.rows.clear();
    try {
      await Promise.all([...byShard].map(([s, rows]) => ns.get(ns.idFromName(s)).add(rows)));
    } catch (e) {
      console.error("tagwire: counting failed", e instanceof Error ? e.message : String(e));
    }
  }
}

/** Metric for one delivery result: what happened to this event at this destination. */
export function deliveryMetric(r: EventResult): string {
  if (r.kind === "skipped") {
    if (r.reason === "bot") return "bot_filtered";
    if (r.reason.startsWith("consent")) return "consent_blocked";
    return "skipped";
  }
  if (r.kind === "ok") return "delivered";
  if (r.kind === "retry") return "retried";
  return "dead_lettered";
}


export async function readStats(ns: StatsNamespace, since: string): Promise<CounterRow[]> {
  const all: CounterRow[] = [];
  for (let i = 0; i < STATS_SHARDS; i++) all.push(...(await ns.get(ns.idFromName(`stats-${i}`)).list(since)));
  return all;
}

function nameOf(item: unknown): string {
  const n = typeof item === "object" && item !== null ? (item as { name?: unknown }).name : undefined;
  return typeof n === "string" && /^[a-z][a-z0-9_]{0,99}$/.test(n) ? n : "(invalid name)";
}

/** Field path of an error without its `batch[i].` prefix, so violations of one rule add up across batches. */
const rulePath = (path: string) => path.replace(/^batch\[\d+\]\.?/, "") || "body";

/** received (everything that arrived), deduped, flagged (per violated rule), invalid (per field), dropped. */
export function countIngest(counter: Counter, items: readonly unknown[], result: PipelineResult, deduped: readonly string[]): void {
  const nameById = new Map(result.events.map((e) => [e.event_id, e.name]));
  for (const e of result.events) {
    counter.add(e.name, NO_DESTINATION, "received");
    for (const v of e.violations ?? []) counter.add(e.name, NO_DESTINATION, `flagged:${v.rule}`);
  }
  for (const id of deduped) counter.add(nameById.get(id) ?? "(unknown)", NO_DESTINATION, "deduped");
  for (const r of result.rejected) {
    const name = nameOf(items[r.index]);
    counter.add(name, NO_DESTINATION, "received");
    counter.add(name, NO_DESTINATION, "invalid");
    for (const err of r.errors) counter.add(name, NO_DESTINATION, `invalid:${rulePath(err.path)}`);
  }
  for (const d of result.dropped) {
    counter.add(nameOf(items[d.index]), NO_DESTINATION, "received");
    counter.add(nameOf(items[d.index]), NO_DESTINATION, "dropped");
  }
}

/** Counts one ingest request in the background (never delays or fails the answer). */
export function recordIngest(
  stats: StatsNamespace | undefined,
  exec: ExecutionContext,
  now: number,
  items: readonly unknown[],
  result: PipelineResult,
  deduped: readonly string[],
): void {
  const counter = new Counter(dayOf(now));
  countIngest(counter, items, result, deduped);
  exec.waitUntil(counter.flush(stats));
}
