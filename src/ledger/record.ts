/**
 * Where ledger rows live and how they are written and read: shard `<day>:<n>` holds the events accepted on
 * `day` whose event_id hashes to n (of ledger.shards). The consumer writes one call per shard touched by a
 * batch, in parallel, before it acks; readers fan out over the shards of the days asked for.
 */
import type { Config } from "../config/schema.ts";
import { shardOf } from "../dedupe/keys.ts";
import type { Env } from "../env.ts";
import type { CountRow, LedgerQuery, ListedEvent } from "./Ledger.ts";
import type { ReconcileRow } from "./reconcile.ts";
import { ledgerRows, type BatchOutcome, type EventRow, type OutcomeRow } from "./rows.ts";
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
  const rows = await ledgerRows(cfg, batch, now);
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
