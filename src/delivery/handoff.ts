/**
 * Where accepted canonical events go once the pipeline is done: dedupe, then the durable delivery queue.
 * Keys are claimed as pending, the fresh events queued, then the keys confirmed. When queuing fails the
 * claims are released and the request fails with 503, so the client's retry is not mistaken for a duplicate.
 * Returns the event_ids that were duplicates (answered as accepted, forwarded once already).
 */
import type { Config } from "../config/schema.ts";
import { claimEvents } from "../dedupe/claim.ts";
import { debugLog } from "../debug/record.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http/responses.ts";
import { enqueue, messageFor } from "./message.ts";

export interface HandOffResult {
  deduped: string[];
}

export function unavailable(what: string): HttpError {
  return new HttpError(503, "unavailable", [{ path: "", message: `${what} is unavailable; nothing was accepted, retry` }]);
}

export async function handOff(cfg: Config, env: Env, exec: ExecutionContext, events: CanonicalEvent[], now = Date.now()): Promise<HandOffResult> {
  if (events.length === 0) return { deduped: [] };
  let claimed;
  try {
    claimed = await claimEvents(cfg, env, events, now);
  } catch (e) {
    console.error("tagwire: dedupe failed", e instanceof Error ? e.message : String(e));
    throw unavailable("dedupe");
  }
  const { ticket, fresh, duplicates } = claimed;
  try {
    await enqueue(env, fresh.map((e) => ({ body: messageFor(cfg, e) })));
  } catch (e) {
    console.error("tagwire: enqueue failed", e instanceof Error ? e.message : String(e));
    await ticket.release().catch(() => undefined);
    throw unavailable("the delivery queue");
  }
  // The events are durable now; a failed confirmation only shortens their dedupe to the pending minute.
  await ticket.confirm().catch((e) => console.error("tagwire: dedupe confirm failed", e instanceof Error ? e.message : String(e)));
  if (cfg.debug) exec.waitUntil(debugLog(env).add("event", fresh));
  return { deduped: duplicates };
}
