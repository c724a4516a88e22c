/**
 * What the consumer keeps for the inspector's full timeline, after each delivery round: with debug = true
 * everything (development); otherwise what dry_run destinations would have been sent, and, while an operator's
 * capture runs, the captured events' raw requests, canonical events and every built request with the vendor's
 * answer. Outside debug each entry says until when it is kept and is deleted then (src/debug/settings.ts).
 * Written in the background: the inspector is never a reason to hold up or fail a batch.
 */
import type { Config } from "../config/schema.ts";
import type { RecordedRequest } from "../delivery/deliver.ts";
import type { Env } from "../env.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { captureNow, captures, expiryOf } from "./capture.ts";
import type { Received } from "../queue/messages.ts";
import { debugLog } from "./record.ts";

/** Entries sent to the log per round (it keeps its newest few hundred; an RPC carries at most 32 MiB). */
const PER_ROUND = 100;
/**
 * Outside debug and a capture, what dry_run destinations would have been sent is a sample: at most this many
 * requests per round, so a dry_run destination in production costs a few rows per batch, not one per event.
 */
const DRY_SAMPLE = 10;
const BODY_MAX = 64 * 1024;

const trim = (r: RecordedRequest): RecordedRequest =>
  r.request.body !== undefined && r.request.body.length > BODY_MAX
    ? { ...r, request: { ...r.request, body: `${r.request.body.slice(0, BODY_MAX)}… (${r.request.body.length} characters)` } }
    : r;

export interface RoundLog {
  /** Events seen for the first time in this batch (admitted or released). */
  fresh: readonly CanonicalEvent[];
  /** Every event this round tried, retries included. */
  tried: readonly CanonicalEvent[];
  recorded: readonly RecordedRequest[];
  received: readonly Received[];
}

export async function logRound(cfg: Config, env: Env, exec: ExecutionContext, now: number, round: RoundLog): Promise<void> {
  const state = cfg.debug || !cfg.capture.enabled ? null : await captureNow(env, now);
  const capturedIds = new Set(round.tried.filter((e) => captures(cfg, state, e.name, now)).map((e) => e.event_id));
  const events = round.fresh.filter((e) => capturedIds.has(e.event_id));
  const captured = round.recorded.filter((r) => r.event_ids.some((id) => capturedIds.has(id)));
  const dry = cfg.debug ? [] : round.recorded.filter((r) => r.mode === "dry_run" && !r.event_ids.some((id) => capturedIds.has(id))).slice(-DRY_SAMPLE);
  const requests = [...captured, ...dry];
  // By name: a conversion held for merging is not tried in the round that brought its request.
  const received = round.received.filter((r) => r.names.some((n) => captures(cfg, state, n, now)));
  const expiresAt = expiryOf(cfg, now);
  const kept = <T extends object>(items: readonly T[]): T[] =>
    items.slice(-PER_ROUND).map((i) => (expiresAt === null ? i : { ...i, kept_until: new Date(expiresAt).toISOString() }));
  const failed = (e: unknown) => console.error("tagwire: could not write the inspector's log", e instanceof Error ? e.message : String(e));
  try {
    const log = debugLog(env);
    const writes: Promise<void>[] = [];
    if (received.length) writes.push(log.add("received", kept(received), expiresAt));
    if (events.length) writes.push(log.add("event", kept(events), expiresAt));
    if (requests.length) writes.push(log.add("request", kept(requests.map(trim)), expiresAt));
    if (writes.length) exec.waitUntil(Promise.all(writes).then(() => undefined, failed));
  } catch (e) {
    failed(e);
  }
}
