/**
 * The delivery queue's message: one canonical event and the destinations it still has to reach. Retries
 * re-enqueue a message naming only the destinations that failed, so a destination that already accepted the
 * event never gets it again.
 */
import type { Config } from "../config/schema.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";

export interface DeliveryMessage {
  v: 1;
  event: CanonicalEvent;
  destinations: string[];
  /** Delivery attempts already made for these destinations. */
  attempt: number;
  /** Set on replays: the freshness window counts from the replay, not from the event's time. */
  replayed_at?: number;
}

export interface Enqueue {
  body: DeliveryMessage;
  delaySeconds?: number;
}

/** Queues cap one sendBatch at 100 messages and 256 KB; stay under both with room for overhead. */
const MAX_MESSAGES = 100;
const MAX_BYTES = 200_000;

export function messageFor(cfg: Config, event: CanonicalEvent): DeliveryMessage {
  const destinations = Object.entries(cfg.destinations)
    .filter(([, d]) => d.enabled)
    .map(([id]) => id);
  return { v: 1, event, destinations, attempt: 0 };
}

/** Sends messages in as few sendBatch calls as the limits allow; throws when the queue refuses. */
export async function enqueue(env: Env, items: readonly Enqueue[]): Promise<void> {
  let chunk: MessageSendRequest<DeliveryMessage>[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length) await env.DELIVERY_QUEUE.sendBatch(chunk);
    chunk = [];
    bytes = 0;
  };
  for (const it of items) {
    if (it.body.destinations.length === 0) continue;
    const size = JSON.stringify(it.body).length + 100;
    if (chunk.length >= MAX_MESSAGES || bytes + size > MAX_BYTES) await flush();
    chunk.push(it.delaySeconds ? { body: it.body, contentType: "json", delaySeconds: it.delaySeconds } : { body: it.body, contentType: "json" });
    bytes += size;
  }
  await flush();
}
