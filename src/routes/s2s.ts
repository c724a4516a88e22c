/**
 * POST P/s2s: signed events from a backend, one or {"batch": [...]}. Same pipeline (source "server") and
 * same dedupe as browser events, so a backend's purchase and the browser's copy with the same order_id
 * become one event. No CORS: browsers never call this.
 */
import { claimKeys } from "../dedupe/claim.ts";
import { handOff, unavailable } from "../delivery/handoff.ts";
import { secretFrom } from "../env.ts";
import { parseJson, readText, requireContentType } from "../http/body.ts";
import { HttpError } from "../http/responses.ts";
import { recordIngest } from "../stats/count.ts";
import { runPipeline } from "../pipeline/index.ts";
import { signedHeaders, sourceSecret, verifySignature, WINDOW_SECONDS } from "../s2s/verify.ts";
import type { RouteContext } from "./context.ts";
import { ingestAnswer, itemsOf } from "./ingest.ts";

/** Server batches may be larger than a beacon's. */
export const MAX_S2S_BODY_BYTES = 512 * 1024;

export async function s2s(request: Request, rc: RouteContext): Promise<Response> {
  const signed = signedHeaders(request);
  const secret = sourceSecret(rc.cfg, signed.source, secretFrom(rc.env));
  const raw = await readText(request, MAX_S2S_BODY_BYTES);
  await verifySignature(signed, secret, raw, rc.now);

  // A valid signature is accepted once: seen signatures are held (in the dedupe shards) for twice the window.
  let seen;
  try {
    const claims = new Map([[crypto.randomUUID(), [{ key: `sig:${signed.source}:${signed.signature.toLowerCase()}`, ttl_ms: 2 * WINDOW_SECONDS * 1000 }]]]);
    seen = await claimKeys(rc.cfg, rc.env, claims, rc.now);
  } catch {
    throw unavailable("dedupe");
  }
  if (seen.refused.size > 0) {
    throw new HttpError(401, "signature_replayed", [{ path: "X-Tagwire-Signature", message: "this signature was already used; sign each request anew" }]);
  }
  try {
    requireContentType(request, ["application/json"]);
    const { items, batch } = itemsOf(parseJson(raw));
    const result = runPipeline({ cfg: rc.cfg, items, batch, source: "server", request, now: rc.now });
    const { deduped } = await handOff(rc.cfg, rc.env, rc.exec, result.events, rc.now);
    recordIngest(rc.env.STATS, rc.exec, rc.now, items, result, deduped);
    await seen.confirm();
    return ingestAnswer(result, new Headers(), deduped);
  } catch (e) {
    // Only a failure on our side frees the signature for the backend's retry; bad input stays consumed.
    if (e instanceof HttpError && e.status === 503) await seen.release().catch(() => undefined);
    else await seen.confirm().catch(() => undefined);
    throw e;
  }
}
