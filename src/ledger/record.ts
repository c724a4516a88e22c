/**
 * Where ledger rows live and how they are written and read: shard `<day>:<n>` holds the events accepted on
 * `day` whose event_id hashes to n (of ledger.shards). The consumer writes one call per shard touched by a
 * batch, in parallel, before it acks; readers fan out over the shards of the days asked for.
 */
import type { Config } from "../config/schema.ts";
import { shardOf } from "../dedupe/keys.ts";
import type { Env } from "../env.ts";
import type { CountRow, LedgerQuery, ListedEvent, WindowRow } from "./Ledger.ts";
import type { ReconcileRow } from "./reconcile.ts";
import type { DeadLetterInput } from "../delivery/DeadLetters.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { hashId, ledgerRows, type BatchOutcome, type EventRow, type LedgerRows, type OutcomeRow } from "./rows.ts";
import { objectIn } from "../objects/locate.ts";

const DAY_MS = 86_400_000;
/** Rows of each kind per call: ≈ 2 KB each at most, so a call stays under a few MB. */
const ROWS_PER_CALL = 2_000;

export function shardName(day: string, eventId: string, shards: number): string {
  return `${day}:${shardOf(eventId, shards)}`;
}

function stub(env: Env, name: string) {
  return objectIn(env, "LEDGER", name);
}

/**
 * Records one consumer batch's outcomes. Throws when a shard cannot be written, so the consumer retries the
 * batch instead of acking work the ledger never saw (the rows are idempotent upserts: a rerun counts once).
 */
export async function recordBatch(env: Env, cfg: Config, batch: BatchOutcome, now: number): Promise<void> {
  if (!cfg.ledger.enabled || !env.LEDGER) return;
  await writeRows(env, cfg, await ledgerRows(cfg, batch, now));
}

/**
 * The dead-letter queue consumer's rows (src/delivery/consume.ts consumeDeadLetterQueue): each dead letter as
 * dead_lettered, the held copies it took as released, the events of ingest messages as admitted copies. Built
 * event by event: one the ledger cannot describe (a malformed message, perhaps the very reason the consumer
 * failed on it) is logged and left out, not a reason to keep its dead letters in the queue for ever; a shard
 * that cannot be written throws, as in recordBatch.
 */
export async function recordDeadLetters(
  env: Env,
  cfg: Config,
  b: { dead: readonly DeadLetterInput[]; released: readonly CanonicalEvent[]; undeduped: readonly CanonicalEvent[] },
  now: number,
): Promise<void> {
  if (!cfg.ledger.enabled || !env.LEDGER) return;
  const byEvent = new Map<unknown, { dead: DeadLetterInput[]; released: CanonicalEvent[]; undeduped: CanonicalEvent[] }>();
  const of = (e: CanonicalEvent) => {
    let x = byEvent.get(e.event_id);
    if (!x) byEvent.set(e.event_id, (x = { dead: [], released: [], undeduped: [] }));
    return x;
  };
  for (const d of b.dead) of(d.event).dead.push(d);
  for (const e of b.released) of(e).released.push(e);
  for (const e of b.undeduped) of(e).undeduped.push(e);
  const rows: LedgerRows = { events: [], outcomes: [], renamed: [] };
  for (const [id, x] of byEvent) {
    try {
      if (typeof id !== "string" || id === "") throw new Error("no event_id");
      const one = await ledgerRows(cfg, { admitted: [], units: [], results: new Map(), retries: [], ...x }, now);
      // Columns the ledger requires: left empty, they would fail the whole shard's write on every rerun.
      if ([...one.events, ...one.outcomes].some((r) => typeof r.name !== "string" || typeof r.source !== "string")) throw new Error("no name or source");
      rows.events.push(...one.events);
      rows.outcomes.push(...one.outcomes);
      rows.renamed.push(...one.renamed);
    } catch (e) {
      console.error(`tagwire: dead letter of event ${String(id).slice(0, 100)} left out of the ledger (malformed)`, e instanceof Error ? e.message : String(e));
    }
  }
  await writeRows(env, cfg, rows);
}

/** Writes rows, one call per shard touched (split past ROWS_PER_CALL), all in parallel. */
async function writeRows(env: Env, cfg: Config, rows: LedgerRows): Promise<void> {
  if (cfg.ledger.events === "conversions") {
    // Only conversions: the events a team reconciles; page views then cost no row (docs/ledger.md).
    const plan = cfg.plan.events;
    const conversion = (name: string) => Object.hasOwn(plan, name) && (plan[name]!.dedupe !== undefined || plan[name]!.conversion);
    // By each row's own event name: a retry's or a dead letter's batch carries outcome rows without event rows.
    rows.events = rows.events.filter((e) => conversion(e.name));
    rows.outcomes = rows.outcomes.filter((o) => conversion(o.name));
  }
  const byShard = new Map<string, { day: string; events: EventRow[]; outcomes: OutcomeRow[]; renamed: string[] }>();
  const slot = (day: string, eventId: string) => {
    const name = shardName(day, eventId, cfg.ledger.shards);
    let s = byShard.get(name);
    if (!s) byShard.set(name, (s = { day, events: [], outcomes: [], renamed: [] }));
    return s;
  };
  for (const e of rows.events) slot(e.day, e.event_id).events.push(e);
  for (const o of rows.outcomes) slot(o.day, o.event_id).outcomes.push(o);
  for (const r of rows.renamed) for (const day of r.days) slot(day, r.event_id).renamed.push(r.event_id);
  const calls: Promise<void>[] = [];
  for (const [name, s] of byShard) {
    // A call's arguments must stay well under the 32 MiB RPC limit, whatever one batch holds.
    for (let i = 0; i === 0 || i < Math.max(s.events.length, s.outcomes.length); i += ROWS_PER_CALL) {
      const first = i === 0;
      calls.push(stub(env, name).record(s.events.slice(i, i + ROWS_PER_CALL), s.outcomes.slice(i, i + ROWS_PER_CALL), s.day, cfg.ledger.retention_days, first ? s.renamed : []));
    }
  }
  await Promise.all(calls);
}

/** Days from `from` to `to` inclusive (YYYY-MM-DD), newest first. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${to}T00:00:00Z`); t >= Date.parse(`${from}T00:00:00Z`); t -= DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Every shard's counts for one day, summed per event name, destination and reason. */
export async function countsOf(env: Env, cfg: Config, day: string): Promise<CountRow[]> {
  const parts = await Promise.all(Array.from({ length: cfg.ledger.shards }, (_, i) => stub(env, `${day}:${i}`).counts()));
  const sum = new Map<string, CountRow>();
  for (const r of parts.flat()) {
    const key = `${r.name}\u0000${r.destination}\u0000${r.reason}`;
    const prev = sum.get(key);
    if (prev) prev.n += r.n;
    else sum.set(key, { ...r });
  }
  return [...sum.values()];
}

/** Events of these days matching `q`, newest first, at most q.limit. An event_id asks one shard per day. */
export async function listEvents(env: Env, cfg: Config, days: readonly string[], q: LedgerQuery): Promise<ListedEvent[]> {
  const names = days.flatMap((day) =>
    q.event_id !== undefined ? [shardName(day, q.event_id, cfg.ledger.shards)] : Array.from({ length: cfg.ledger.shards }, (_, i) => `${day}:${i}`),
  );
  // The RPC stub types rows loosely; the object returns plain data.
  const parts = (await Promise.all(names.map((n) => stub(env, n).list(q)))) as unknown as ListedEvent[][];
  return parts
    .flat()
    .sort((a, b) => b.at - a.at)
    .slice(0, q.limit ?? 50);
}

/**
 * Conversions accepted on these days, oldest first; `truncated` when a shard had more than `limit` (the rows
 * are compact, ≈ 250 bytes each, so days × shards × limit stays within a Worker's memory).
 */
export async function listConversions(env: Env, cfg: Config, days: readonly string[], limit: number): Promise<{ rows: ReconcileRow[]; truncated: boolean }> {
  const names = days.flatMap((day) => Array.from({ length: cfg.ledger.shards }, (_, i) => `${day}:${i}`));
  const parts = (await Promise.all(names.map((n) => stub(env, n).conversions(0, Number.MAX_SAFE_INTEGER, limit)))) as unknown as ReconcileRow[][];
  const rows = parts.flat().sort((a, b) => (a.accepted_at < b.accepted_at ? -1 : a.accepted_at > b.accepted_at ? 1 : 0));
  return { rows: rows.slice(0, limit), truncated: rows.length > limit || parts.some((p) => p.length >= limit) };
}

/**
 * For alerts: per window [from, to), each destination's outcome rows of the events accepted in it, by reason
 * (plus `auth`, dead letters refused for auth). One call per shard of each day any window touches.
 */
export async function windowsOf(env: Env, cfg: Config, ranges: readonly (readonly [number, number])[]): Promise<Map<string, Map<string, number>>[]> {
  const days = new Set<string>();
  for (const [from, to] of ranges) for (const d of daysBetween(new Date(from).toISOString().slice(0, 10), new Date(to - 1).toISOString().slice(0, 10))) days.add(d);
  const names = [...days].flatMap((day) => Array.from({ length: cfg.ledger.shards }, (_, i) => `${day}:${i}`));
  const parts = (await Promise.all(names.map((n) => stub(env, n).windows(ranges)))) as unknown as WindowRow[][][];
  return ranges.map((_, i) => {
    const out = new Map<string, Map<string, number>>();
    for (const part of parts) {
      for (const r of part[i] ?? []) {
        const t = out.get(r.destination) ?? new Map<string, number>();
        out.set(r.destination, t);
        t.set(r.reason, (t.get(r.reason) ?? 0) + r.n);
        if (r.auth) t.set("auth", (t.get("auth") ?? 0) + r.auth);
      }
    }
    return out;
  });
}

/**
 * Erasure: deletes one person's events from every day the ledger keeps (retention plus the day its purge is
 * due), all shards, in parallel. `rawIds` are the user and anonymous ids the request named in clear (they
 * also reach rows written before the keys column existed); `graphKeys` are every identity-graph key of the
 * person. Returns the number of events deleted.
 */
export async function eraseFromLedger(env: Env, cfg: Config, rawIds: readonly string[], graphKeys: readonly string[], now: number): Promise<number> {
  if (!env.LEDGER) return 0;
  const [ids, keys] = await Promise.all([Promise.all(rawIds.map(hashId)), Promise.all(graphKeys.map(hashId))]);
  const days = daysBetween(new Date(now - (cfg.ledger.retention_days + 1) * DAY_MS).toISOString().slice(0, 10), new Date(now).toISOString().slice(0, 10));
  const names = days.flatMap((day) => Array.from({ length: cfg.ledger.shards }, (_, i) => `${day}:${i}`));
  const counts = await Promise.all(names.map((n) => stub(env, n).erase(ids, keys)));
  return counts.reduce((a, b) => a + b, 0);
}
