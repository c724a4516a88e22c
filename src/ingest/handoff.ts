/**
 * The request path's one durable step: a request's accepted events go to the delivery queue, packed, in one
 * awaited round of sends. Nothing here waits on a Durable Object: dedupe, merging and counting happen in the
 * queue consumer. When the queue refuses, the request fails with 503 and nothing was accepted; the client's
 * retry carries the same event_ids, so dedupe in the consumer absorbs a copy that did get through.
 */
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http/responses.ts";
import { pack, sendAll, type IngestMessage, type Received, type SignedRequest } from "../queue/messages.ts";

export function unavailable(what: string): HttpError {
  return new HttpError(503, "unavailable", [{ path: "", message: `${what} is unavailable; nothing was accepted, retry` }]);
}

/**
 * Queues one request's events; `signed` marks a verified s2s request; `received` (captures only) rides on the
 * first message. Throws 503 when the queue refuses.
 */
export async function handOff(env: Env, events: readonly CanonicalEvent[], signed?: SignedRequest, received?: Received): Promise<void> {
  if (events.length === 0) return;
  const owner = crypto.randomUUID();
  const reserve = received ? JSON.stringify(received).length + 16 : 0;
  const messages = pack(
    events,
    (slice, first): IngestMessage => {
      const m: IngestMessage = { v: 2, kind: "ingest", owner, first, events: slice };
      if (signed) m.signed = signed;
      if (received && first === 0) m.received = received;
      return m;
    },
    reserve,
  );
  try {
    await sendAll(env.DELIVERY_QUEUE, messages.map((body) => ({ body })));
  } catch (e) {
    console.error("tagwire: enqueue failed", e instanceof Error ? e.message : String(e));
    throw unavailable("the delivery queue");
  }
}
