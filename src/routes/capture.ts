/**
 * P/admin/capture: the time-boxed capture of full payloads (src/debug/capture.ts), for operators (admin token,
 * Cloudflare Access, or localhost in development).
 *   GET                                         the capture's state
 *   POST {"minutes": 15, "events": ["purchase_completed"]}   starts one (events optional: every event)
 *   POST {"stop": true}                         ends it now (what it captured stays until its keep_hours)
 * POST takes JSON from the same site only: a page elsewhere cannot switch it on with an operator's cookie.
 */
import { captureChanged, CHECK_MS, type CaptureState } from "../debug/capture.ts";
import { debugLog } from "../debug/record.ts";
import { parseJson, readText, requireContentType } from "../http/body.ts";
import { HttpError, json } from "../http/responses.ts";
import type { RouteContext } from "./context.ts";
import { requireSameSite } from "./debug.ts";
import { requireOperator } from "./operator.ts";

const bad = (path: string, message: string) => new HttpError(400, "invalid_capture", [{ path, message }]);

function view(rc: RouteContext, state: CaptureState | null) {
  const active = state !== null && rc.now < state.until;
  return {
    capture: {
      enabled: rc.cfg.capture.enabled,
      active,
      ...(state ? { until: new Date(state.until).toISOString(), started_at: new Date(state.started_at).toISOString(), by: state.by, events: state.events } : {}),
      max_minutes: rc.cfg.capture.max_minutes,
      keep_hours: rc.cfg.capture.keep_hours,
      reaches_every_isolate_within_seconds: CHECK_MS / 1000,
      debug: rc.cfg.debug,
    },
  };
}

export async function captureState(request: Request, rc: RouteContext): Promise<Response> {
  await requireOperator(request, rc);
  return json(200, view(rc, (await debugLog(rc.env).capture()) as CaptureState | null));
}

export async function captureSet(request: Request, rc: RouteContext): Promise<Response> {
  const by = await requireOperator(request, rc);
  requireSameSite(request, "P/admin/capture");
  requireContentType(request, ["application/json"]);
  const body = parseJson(await readText(request, 4 * 1024));
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("body", 'expected {"minutes": N} or {"stop": true}');
  const src = body as Record<string, unknown>;
  const unknown = Object.keys(src).find((k) => k !== "minutes" && k !== "events" && k !== "stop");
  if (unknown !== undefined) throw bad(unknown, "unknown field (known: minutes, events, stop)");
  const log = debugLog(rc.env);
  if (src.stop !== undefined) {
    if (src.stop !== true) throw bad("stop", "true, to end the capture now");
    const other = ["minutes", "events"].find((k) => src[k] !== undefined);
    if (other) throw bad(other, "not with stop: either start a capture or stop it");
    await log.setCapture(null);
    captureChanged(null, rc.now);
    console.log(`tagwire: capture stopped by ${by}`);
    return json(200, view(rc, null));
  }
  if (!rc.cfg.capture.enabled) {
    throw new HttpError(403, "capture_disabled", [{ path: "capture.enabled", message: "the config forbids capturing full payloads (capture.enabled = false)" }]);
  }
  const max = rc.cfg.capture.max_minutes;
  const minutes = src.minutes;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < 1 || minutes > max) {
    throw bad("minutes", `an integer from 1 to ${max} (capture.max_minutes)`);
  }
  let events: string[] | null = null;
  if (src.events !== undefined && src.events !== null) {
    const list = src.events;
    if (!Array.isArray(list) || list.length === 0 || list.length > 50) throw bad("events", "a list of 1 to 50 event names, or leave it out for every event");
    list.forEach((n, i) => {
      if (typeof n !== "string" || n === "" || n.length > 100) throw bad(`events[${i}]`, "an event name (1 to 100 characters)");
    });
    events = [...new Set(list as string[])];
  }
  const state: CaptureState = { until: rc.now + minutes * 60_000, started_at: rc.now, by, events };
  await log.setCapture(state);
  captureChanged(state, rc.now);
  console.log(`tagwire: capture started by ${by} for ${minutes} min${events ? ` (${events.join(", ")})` : ""}`);
  const answer = view(rc, state);
  const plan = rc.cfg.plan.events;
  const notInPlan = (events ?? []).filter((n) => !Object.hasOwn(plan, n));
  return json(200, notInPlan.length ? { ...answer, warnings: [{ path: "events", message: `not in the tracking plan: ${notInPlan.join(", ")}` }] } : answer);
}
