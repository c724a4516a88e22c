/**
 * Turning pipeline and delivery results into counter rows, and writing them to the Stats shards. Counting
 * never blocks or fails a request: counts accumulate in the isolate (IsolateCounts) and are flushed every few
 * seconds through waitUntil; each flush goes to one shard picked at random, so no event name (every
 * page_viewed of a site) maps to one object. Readers sum the shards.
 */
import type { EventResult } from "../delivery/deliver.ts";
import type { PipelineResult } from "../pipeline/index.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { objectIn, type ObjectEnv } from "../objects/locate.ts";
import type { CounterRow } from "./Stats.ts";

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Metrics that have no destination use this in the destination column. */
export const NO_DESTINATION = "-";

export const STATS_SHARDS = 8;

/** What counting needs: the STATS binding, and the config that says where its objects live. */
export type StatsEnv = ObjectEnv<"STATS">;

/** The shard a flush writes to: random, so writes spread evenly whatever the event mix. */
export function shardFor(random: number = Math.random()): string {
  return `stats-${Math.floor(random * STATS_SHARDS) % STATS_SHARDS}`;
}

export class Counter {
  private rows = new Map<string, CounterRow>();
  constructor(readonly day: string) {}

  add(event: string, destination: string, metric: string, n = 1): void {
    const key = `${event}\u0000${destination}\u0000${metric}`;
    const row = this.rows.get(key);
    if (row) row.n += n;
    else this.rows.set(key, { day: this.day, event, destination, metric, n });
  }

  get size(): number {
    return this.rows.size;
  }

  /** Writes the rows to one shard in one call and forgets them; a failed write is logged, not retried. */
  async flush(env: StatsEnv | undefined): Promise<void> {
    if (!env?.STATS || this.rows.size === 0) return;
    const rows = [...this.rows.values()];
    this.rows.clear();
    const s = shardFor();
    try {
      await objectIn(env, "STATS", s).add(rows);
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


/** Every shard's rows since `since`, summed per day, event, destination and metric. */
export async function readStats(env: StatsEnv, since: string): Promise<CounterRow[]> {
  const shards = await Promise.all(Array.from({ length: STATS_SHARDS }, (_, i) => objectIn(env, "STATS", `stats-${i}`).list(since)));
  const sum = new Map<string, CounterRow>();
  for (const r of shards.flat()) {
    const key = `${r.day}\u0000${r.event}\u0000${r.destination}\u0000${r.metric}`;
    const prev = sum.get(key);
    if (prev) prev.n += r.n;
    else sum.set(key, { ...r });
  }
  return [...sum.values()].sort((a, b) => (a.day + a.event + a.destination + a.metric < b.day + b.event + b.destination + b.metric ? -1 : 1));
}

function nameOf(item: unknown): string {
  const n = typeof item === "object" && item !== null ? (item as { name?: unknown }).name : undefined;
  return typeof n === "string" && /^[a-z][a-z0-9_]{0,99}$/.test(n) ? n : "(invalid name)";
}

/** Field path of an error without its `batch[i].` prefix, so violations of one rule add up across batches. */
const rulePath = (path: string) => path.replace(/^batch\[\d+\]\.?/, "") || "body";

/**
 * Distinct names outside the tracking plan counted per day and isolate; the rest fold into one row, so invented
 * names (unknown_events = "flag", or refused input) cannot grow the counters without bound.
 */
export const MAX_UNKNOWN_NAMES = 100;
export const OTHER_UNKNOWN = "(other unknown events)";
let unknownDay = "";
const unknownNames = new Set<string>();

/** The name an event is counted under: its own, unless it is outside the plan and the day's cap is reached. */
export function countedName(name: string, unknown: boolean, day: string): string {
  if (!unknown) return name;
  if (day !== unknownDay) {
    unknownDay = day;
    unknownNames.clear();
  }
  if (unknownNames.has(name)) return name;
  if (unknownNames.size >= MAX_UNKNOWN_NAMES) return OTHER_UNKNOWN;
  unknownNames.add(name);
  return name;
}

/** The counted name of an accepted event (flagged unknown events are capped). */
export const statsName = (e: CanonicalEvent, day: string): string =>
  countedName(e.name, e.violations?.some((v) => v.rule === "unknown_event") === true, day);

/** Accepted events (counted by the consumer, which sees every one): received, and flagged per violated rule. */
export function countAccepted(counter: Counter, events: readonly CanonicalEvent[]): void {
  for (const e of events) {
    const name = statsName(e, counter.day);
    counter.add(name, NO_DESTINATION, "received");
    for (const v of e.violations ?? []) counter.add(name, NO_DESTINATION, `flagged:${v.rule}`);
  }
}

/** Refused input (counted on the request path; rare in production): received, invalid per field, dropped. */
export function countRefused(counter: Counter, items: readonly unknown[], result: PipelineResult): void {
  for (const r of result.rejected) {
    const name = countedName(nameOf(items[r.index]), true, counter.day);
    counter.add(name, NO_DESTINATION, "received");
    counter.add(name, NO_DESTINATION, "invalid");
    for (const err of r.errors) counter.add(name, NO_DESTINATION, `invalid:${rulePath(err.path)}`);
  }
  for (const d of result.dropped) {
    const name = countedName(nameOf(items[d.index]), true, counter.day);
    counter.add(name, NO_DESTINATION, "received");
    counter.add(name, NO_DESTINATION, "dropped");
  }
}

/**
 * Counts kept in this isolate's memory per day and written at most every `everyMs`, in one Durable Object call
 * to a random shard: rows written per event fall as traffic grows (one row per day × event × destination ×
 * metric per flush, whatever the number of events). Counts of an isolate evicted between flushes are lost:
 * these counters are operational figures; the exact per-event record is the delivery ledger.
 */
export class IsolateCounts {
  private pending = new Map<string, Counter>();
  private last = 0;

  constructor(private readonly everyMs: number) {}

  counter(now: number): Counter {
    const day = dayOf(now);
    let c = this.pending.get(day);
    if (!c) this.pending.set(day, (c = new Counter(day)));
    return c;
  }

  /** Flushes through waitUntil when the last flush is older than `everyMs`. */
  flushIfDue(stats: StatsEnv | undefined, exec: ExecutionContext, now: number): void {
    if (now - this.last >= this.everyMs) exec.waitUntil(this.flush(stats, now));
  }

  async flush(stats: StatsEnv | undefined, now = Date.now()): Promise<void> {
    this.last = now;
    const counters = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(counters.map((c) => c.flush(stats)));
  }
}

/** The request path's counts (refused input) and the consumer's (everything accepted, deduped, delivered). */
export const ingestCounts = new IsolateCounts(5_000);
export const deliveryCounts = new IsolateCounts(10_000);

/** Counts one ingest request's refused input; accepted events are counted by the consumer. */
export function recordIngest(stats: StatsEnv | undefined, exec: ExecutionContext, now: number, items: readonly unknown[], result: PipelineResult): void {
  if (result.rejected.length === 0 && result.dropped.length === 0) return;
  countRefused(ingestCounts.counter(now), items, result);
  ingestCounts.flushIfDue(stats, exec, now);
}

/** Writes what this isolate counted so far (called before reading the stats, so a reader sees its own). */
export async function flushAllCounts(stats: StatsEnv | undefined, now = Date.now()): Promise<void> {
  await Promise.all([ingestCounts.flush(stats, now), deliveryCounts.flush(stats, now)]);
}
