/**
 * POST P/s2s: signed events from a backend, one or {"batch": [...]}. Same pipeline (source "server") and the
 * same dedupe as browser events, so a backend's purchase and the browser's copy with the same order_id
 * become one event, and a signed copy always outranks unsigned ones. A signature is used once: its replay
 * key travels with the request's events and is claimed in the queue consumer, which discards the events of
 * a replayed request (the request path reaches no Durable Object). No CORS: browsers never call this.
 */
import { handOff } from "../ingest/handoff.ts";
import { receivedFor } from "../debug/received.ts";
import { secretFrom } from "../env.ts";
import { parseJson, readText, requireContentType } from "../http/body.ts";
import { recordIngest } from "../stats/count.ts";
import { runPipeline } from "../pipeline/index.ts";
import { canonicalSignature, signedHeaders, sourceSecret, verifySignature } from "../s2s/verify.ts";
import type { RouteContext } from "./context.ts";
import { ingestAnswer, itemsOf, listsViolations } from "./ingest.ts";

/** Server batches may be larger than a beacon's. */
export const MAX_S2S_BODY_BYTES = 512 * 1024;

export async function s2s(request: Request, rc: RouteContext): Promise<Response> {
  const signed = signedHeaders(request);
  const secret = sourceSecret(rc.cfg, signed.source, secretFrom(rc.env));
  const raw = await readText(request, MAX_S2S_BODY_BYTES);
  await verifySignature(signed, secret, raw, rc.now);
  requireContentType(request, ["application/json"]);
  const { items, batch } = itemsOf(parseJson(raw));
  const result = runPipeline({ cfg: rc.cfg, items, batch, source: "server", request, now: rc.now });
  // The replay key is the signature's canonical form: a variant spelling of the same bytes is the same signature.
  const signature = canonicalSignature(signed.signature) ?? signed.signature;
  await handOff(rc.env, result.events, { source: signed.source, signature }, receivedFor(rc.cfg, rc.env, rc.exec, rc.now, request, raw, result.events));
  recordIngest(rc.env, rc.exec, rc.now, items, result);
  return ingestAnswer(result, new Headers(), listsViolations(rc.cfg));
}
