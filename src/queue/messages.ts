/**
 * The delivery queue's messages and how they are sent. One request's accepted events travel packed in one
 * message (split only past MESSAGE_BYTES), so the queue is not the first thing to saturate. Kinds:
 * - ingest: events as accepted at the edge, not yet deduped; `owner` identifies the request and owns the
 *   dedupe claims its events make, so a redelivery of the same message passes where another copy is refused.
 * - deliver: events already admitted, for some destinations (per-destination retries, dead-letter replays,
 *   a destination's backlog released after an outage, and the probes sent during one).
 * - release: the end of a merge window: the held copy (merged with any copies that came meanwhile) goes out.
 * Version 1 messages (one event, queued before packing existed) are read as `deliver`: they were deduped at
 * ingest by the previous version, so a deploy never drops what it queued.
 */
import type { CanonicalEvent } from "../event/canonical.ts";

/** A request as it arrived, kept only for captured events (src/debug/received.ts builds it). */
export interface Received {
  at: string;
  method: string;
  url: string;
  /** The headers the pipeline reads (never Authorization or Cookie itself). */
  headers: Record<string, string>;
  /** Cookies Tagwire reads, with values; any other cookie as "(not read)". */
  cookies: Record<string, string>;
  /** The raw body as received (capped); null for GET. */
  body: string | null;
  event_ids: string[];
  /** Their names, so the consumer can tell a captured request even while its conversion is held for merging. */
  names: string[];
}

export interface SignedRequest {
  /** The s2s source name and the canonical signature (lowercase hex): the request's replay key. */
  source: string;
  signature: string;
}

export interface IngestMessage {
  v: 2;
  kind: "ingest";
  /** Random per request; dedupe claims of event i belong to `${owner}.${first + i}`. */
  owner: string;
  /** Index of events[0] within the request (a request split over several messages keeps one numbering). */
  first: number;
  /** Present when the request was signed (P/s2s): its events outrank unsigned copies. */
  signed?: SignedRequest;
  events: CanonicalEvent[];
  /** The request as received, on the first message only, when its events are captured (src/debug/received.ts). */
  received?: Received;
}

/** What earlier attempts achieved for one event at a destination (its adapter's steps done, its request group). */
export interface StepProgress {
  done?: string[];
  group?: string;
}

export interface DeliverMessage {
  v: 2;
  kind: "deliver";
  events: CanonicalEvent[];
  destinations: string[];
  /** Delivery attempts already made for these destinations. */
  attempt: number;
  /** Set on replays: the freshness window counts from the replay, not from the event's time. */
  replayed_at?: number;
  /** Per event_id: steps already done (a retry sends only what failed; one destination per such message). */
  progress?: Record<string, StepProgress>;
  /**
   * A parked event sent by its destination's Backlog object to test whether the destination is back: delivered
   * even while the consumer believes the destination down (src/delivery/Backlog.ts).
   */
  probe?: true;
}

/**
 * A deliver message for `events` to `destination`, carrying each event's progress from `progressOf` (only the
 * events that have some), so a retry or a released backlog sends only what failed.
 */
export function deliverMessage(
  events: CanonicalEvent[],
  destination: string,
  attempt: number,
  replayed_at: number | null | undefined,
  progressOf: ReadonlyMap<string, StepProgress | undefined>,
): DeliverMessage {
  const m: DeliverMessage = { v: 2, kind: "deliver", events, destinations: [destination], attempt };
  if (replayed_at !== null && replayed_at !== undefined) m.replayed_at = replayed_at;
  const progress: Record<string, StepProgress> = Object.create(null);
  for (const e of events) {
    const p = progressOf.get(e.event_id);
    if (p) progress[e.event_id] = p;
  }
  if (Object.keys(progress).length) m.progress = progress;
  return m;
}

export interface ReleaseMessage {
  v: 2;
  kind: "release";
  /** Dedupe shard holding the copy, and the claim token that holds it. */
  shard: number;
  token: string;
}

/** What version 1 queued: one already-deduped event. */
export interface LegacyMessage {
  v: 1;
  event: CanonicalEvent;
  destinations: string[];
  attempt: number;
  replayed_at?: number;
}

export type QueueMessage = IngestMessage | DeliverMessage | ReleaseMessage | LegacyMessage;

/** Reads any message as the current kinds (v1 becomes deliver). */
export function current(m: QueueMessage): IngestMessage | DeliverMessage | ReleaseMessage {
  if (m.v === 1) {
    const d: DeliverMessage = { v: 2, kind: "deliver", events: [m.event], destinations: m.destinations, attempt: m.attempt };
    if (m.replayed_at !== undefined) d.replayed_at = m.replayed_at;
    return d;
  }
  return m;
}

export interface Outgoing {
  body: QueueMessage;
  delaySeconds?: number;
}

/** Packed messages stay under this (a queue message may hold 128 KB). */
export const MESSAGE_BYTES = 120_000;
/** Queues cap one sendBatch at 100 messages and 256 KB. */
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 250_000;

const sizeOf = (v: unknown) => JSON.stringify(v).length;

/**
 * Splits `events` into as few messages as fit MESSAGE_BYTES; `make` builds one from a slice and its offset.
 * `reserve` bytes of the first message are kept for what `make` adds to it beside the events.
 */
export function pack<M extends QueueMessage>(events: readonly CanonicalEvent[], make: (slice: CanonicalEvent[], first: number) => M, reserve = 0): M[] {
  const out: M[] = [];
  let slice: CanonicalEvent[] = [];
  let first = 0;
  let bytes = reserve;
  events.forEach((e, i) => {
    const size = sizeOf(e) + 1;
    if (slice.length && bytes + size > MESSAGE_BYTES) {
      out.push(make(slice, first));
      slice = [];
      bytes = 0;
      first = i;
    }
    slice.push(e);
    bytes += size;
  });
  if (slice.length) out.push(make(slice, first));
  return out;
}

/**
 * Sends messages in as few sendBatch calls as the queue's limits allow, all in parallel: one awaited round.
 * Throws when the queue refuses any of them.
 */
export async function sendAll(queue: Queue<QueueMessage>, items: readonly Outgoing[]): Promise<void> {
  if (items.length === 0) return;
  if (items.length === 1) {
    const it = items[0]!;
    await queue.send(it.body, it.delaySeconds ? { contentType: "json", delaySeconds: it.delaySeconds } : { contentType: "json" });
    return;
  }
  const calls: MessageSendRequest<QueueMessage>[][] = [];
  let chunk: MessageSendRequest<QueueMessage>[] = [];
  let bytes = 0;
  for (const it of items) {
    const size = sizeOf(it.body) + 100;
    if (chunk.length >= BATCH_MESSAGES || (chunk.length && bytes + size > BATCH_BYTES)) {
      calls.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(it.delaySeconds ? { body: it.body, contentType: "json", delaySeconds: it.delaySeconds } : { body: it.body, contentType: "json" });
    bytes += size;
  }
  calls.push(chunk);
  await Promise.all(calls.map((c) => queue.sendBatch(c)));
}
