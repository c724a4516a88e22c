/** POST P/e: browser events, one or {"batch": [...]}, as JSON or text/plain (sendBeacon). */
import { handOff } from "../ingest/handoff.ts";
import { receivedFor } from "../debug/received.ts";
import { secretFrom } from "../env.ts";
import { parseJson, readText, requireContentType } from "../http/body.ts";
import { corsHeaders, withCors } from "../http/cors.ts";
import { withRateLimit } from "../http/rateLimit.ts";
import { HttpError, json } from "../http/responses.ts";
import { recordIngest } from "../stats/count.ts";
import { runPipeline, type PipelineResult } from "../pipeline/index.ts";
import type { RouteContext } from "./context.ts";
import { isForcedDryRun } from "../config/bundled.ts";
import type { Config } from "../config/schema.ts";

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_BATCH = 100;

/** Splits a parsed body into items; `batch` says whether paths get a `batch[i]` prefix. */
export function itemsOf(body: unknown): { items: unknown[]; batch: boolean } {
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "batch" in body) {
    const keys = Object.keys(body);
    if (keys.length !== 1) {
      const extra = keys.find((k) => k !== "batch")!;
      throw new HttpError(400, "invalid_event", [{ path: extra, message: "unknown field beside batch" }]);
    }
    const batch = (body as { batch: unknown }).batch;
    if (!Array.isArray(batch)) throw new HttpError(400, "invalid_event", [{ path: "batch", message: "expected an array" }]);
    if (batch.length === 0) throw new HttpError(400, "invalid_event", [{ path: "batch", message: "must not be empty" }]);
    if (batch.length > MAX_BATCH) {
      throw new HttpError(413, "payload_too_large", [{ path: "batch", message: `at most ${MAX_BATCH} events` }]);
    }
    return { items: batch, batch: true };
  }
  return { items: [body], batch: false };
}

/**
 * The answer's version. 2: a 202 means "validated and durably queued"; dedupe runs behind the queue, so the
 * answer no longer lists duplicates (version 1's `deduped`) and a replayed s2s signature is not refused here.
 */
export const ANSWER_VERSION = 2;

/** In development (debug = true, or TAGWIRE_FORCE_DRY_RUN): the 202 also lists each event's plan violations. */
export const listsViolations = (cfg: Config): boolean => cfg.debug || isForcedDryRun(cfg);

/**
 * 202 with what was accepted and rejected; 400 when nothing was accepted and something was invalid. With
 * `violations` (development only), one entry per accepted event that broke the plan in flag mode.
 */
export function ingestAnswer(result: PipelineResult, headers: Headers, violations = false): Response {
  for (const c of result.setCookies) headers.append("set-cookie", c);
  if (result.events.length === 0 && result.rejected.length > 0) {
    return json(400, { error: "invalid_event", details: result.rejected.flatMap((r) => r.errors), rejected: result.rejected }, headers);
  }
  return json(
    202,
    {
      v: ANSWER_VERSION,
      accepted: result.events.length,
      event_ids: result.events.map((e) => e.event_id),
      rejected: result.rejected,
      ...(result.dropped.length ? { dropped: result.dropped } : {}),
      ...(violations
        ? { violations: result.events.filter((e) => e.violations?.length).map((e) => ({ event_id: e.event_id, name: e.name, violations: e.violations })) }
        : {}),
    },
    headers,
  );
}

export async function ingest(request: Request, rc: RouteContext): Promise<Response> {
  withCors(rc.cfg, request);
  await withRateLimit(request, rc, MAX_BODY_BYTES, corsHeaders(request));
  const headers = new Headers(corsHeaders(request));
  try {
    requireContentType(request, ["application/json", "text/plain"]);
    const text = await readText(request, MAX_BODY_BYTES);
    const body = parseJson(text);
    const { items, batch } = itemsOf(body);
    const result = runPipeline({ cfg: rc.cfg, items, batch, source: "browser", request, now: rc.now, secret: secretFrom(rc.env) });
    await handOff(rc.env, result.events, undefined, receivedFor(rc.cfg, rc.env, rc.exec, rc.now, request, text, result.events));
    recordIngest(rc.env, rc.exec, rc.now, items, result);
    return ingestAnswer(result, headers, listsViolations(rc.cfg));
  } catch (e) {
    // Errors from a CORS-allowed request still need CORS headers, or the browser hides them from the SDK.
    if (e instanceof HttpError) e.headers = headers;
    throw e;
  }
}
