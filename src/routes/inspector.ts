/**
 * P/inspector: the event inspector. The page itself is static (no data); its two JSON endpoints need the
 * operator's access (src/routes/operator.ts):
 *   GET P/inspector/events?name=&destination=&outcome=&source=&q=&days=&limit=  recent events, newest first
 *   GET P/inspector/event?id=<event_id>&days=                                    one event's timeline
 *   GET P/inspector/alerts                                                       the alert state (src/alerts)
 * Full payloads (the request as received, the canonical event, each built request with secrets redacted, the
 * vendor's answer) come from the debug log, never from the ledger itself: with debug = true (development), for
 * dry_run destinations, and for events an operator's capture took (P/admin/capture, src/debug/capture.ts).
 */
import { debugLog } from "../debug/record.ts";
import type { RecordedRequest } from "../delivery/deliver.ts";
import type { Received } from "../queue/messages.ts";
import type { CanonicalEvent, EventSource } from "../event/canonical.ts";
import { HttpError, json } from "../http/responses.ts";
import { inspectorCsp, inspectorPage } from "../inspector/page.ts";
import type { LedgerQuery } from "../ledger/Ledger.ts";
import { COPY_STATES, REASONS } from "../ledger/reasons.ts";
import { daysBetween, listEvents } from "../ledger/record.ts";
import { dayOfMs, hashId } from "../ledger/rows.ts";
import type { RouteContext } from "./context.ts";
import { requireOperator } from "./operator.ts";
import { alertsOf } from "../alerts/Alerts.ts";
import { isForcedDryRun } from "../config/bundled.ts";

const CLASSES = new Set(["delivered", "not_sent", "dead", "pending"]);
/** The canonical event's sources (src/event/canonical.ts EventSource). */
const SOURCES: readonly EventSource[] = ["browser", "pixel", "server"];

function intParam(q: URLSearchParams, name: string, dflt: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === "") return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpError(400, "invalid_query", [{ path: name, message: `an integer from 1 to ${max}` }]);
  return n;
}

const recentDays = (rc: RouteContext, n: number) => daysBetween(dayOfMs(rc.now - (n - 1) * 86_400_000), dayOfMs(rc.now));

export function inspector(_request: Request, rc: RouteContext): Response {
  return new Response(inspectorPage(rc.cfg, isForcedDryRun(rc.cfg)), {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": inspectorCsp(rc.cfg),
      "x-robots-tag": "noindex",
    },
  });
}

export async function inspectorEvents(request: Request, rc: RouteContext): Promise<Response> {
  await requireOperator(request, rc);
  const p = new URL(request.url).searchParams;
  const q: LedgerQuery = { limit: intParam(p, "limit", 100, 500) };
  const str = (k: "name" | "source" | "destination") => {
    const v = p.get(k);
    if (v !== null && v !== "") q[k] = v.slice(0, 200);
  };
  str("name");
  str("source");
  str("destination");
  if (q.destination !== undefined && !Object.hasOwn(rc.cfg.destinations, q.destination)) {
    throw new HttpError(400, "invalid_query", [{ path: "destination", message: `unknown destination (known: ${Object.keys(rc.cfg.destinations).join(", ")})` }]);
  }
  if (q.source !== undefined && !(SOURCES as readonly string[]).includes(q.source)) {
    throw new HttpError(400, "invalid_query", [{ path: "source", message: `unknown source (known: ${SOURCES.join(", ")})` }]);
  }
  const outcome = p.get("outcome");
  if (outcome) {
    if (!(outcome in REASONS) && !CLASSES.has(outcome)) {
      throw new HttpError(400, "invalid_query", [{ path: "outcome", message: `a class (${[...CLASSES].join(", ")}) or a reason (${Object.keys(REASONS).join(", ")})` }]);
    }
    q.outcome = outcome;
  }
  const text = p.get("q")?.trim();
  if (text) q.search = { text: text.slice(0, 200), hashed: await hashId(text.slice(0, 200)) };
  const days = recentDays(rc, intParam(p, "days", text ? 7 : 2, 31));
  const events = await listEvents(rc.env, rc.cfg, days, q);
  return json(200, {
    // info as an object, as P/inspector/event gives it.
    events: events.map((e) => ({ ...e, info: JSON.parse(e.info) as unknown })),
    destinations: Object.keys(rc.cfg.destinations),
    reasons: Object.keys(REASONS),
    copy_states: COPY_STATES,
    debug: rc.cfg.debug,
  });
}

export async function inspectorEvent(request: Request, rc: RouteContext): Promise<Response> {
  await requireOperator(request, rc);
  const p = new URL(request.url).searchParams;
  const id = p.get("id")?.trim();
  if (!id) throw new HttpError(400, "invalid_query", [{ path: "id", message: "the event_id to show" }]);
  const days = recentDays(rc, intParam(p, "days", 7, 31));
  const rows = await listEvents(rc.env, rc.cfg, days, { event_id: id.slice(0, 200), limit: 50 });
  if (rows.length === 0) throw new HttpError(404, "not_found", [{ path: "id", message: `no event ${id} in the ledger of the last ${days.length} days` }]);
  const body: Record<string, unknown> = { event_id: id, copies: rows.map(({ outcomes: _o, ...copy }) => ({ ...copy, info: JSON.parse(copy.info) as unknown })), outcomes: rows[0]!.outcomes };
  const full = await fullTimeline(rc, id);
  if (full) body.debug = full;
  return json(200, body);
}

type Logged = { kept_until?: string };

/**
 * The full payloads of one event from the debug log: the request as received, the canonical event, and each
 * built request (secrets redacted) with the vendor's answer. The log holds them only in development, for
 * dry_run destinations, and for an operator's capture; outside debug only entries that expire (captured, or
 * dry_run) are shown, so nothing a development setup once logged surfaces in production.
 */
async function fullTimeline(rc: RouteContext, id: string) {
  const log = debugLog(rc.env);
  const [events, requests, received] = (await Promise.all([log.list("event", 500), log.list("request", 500), log.list("received", 500)])) as [
    (CanonicalEvent & Logged)[],
    (RecordedRequest & Logged)[],
    (Received & Logged)[],
  ];
  const shown = (e: Logged & { mode?: string }) => rc.cfg.debug || e.kept_until !== undefined || e.mode === "dry_run";
  const out = {
    received: received.filter((r) => r.event_ids.includes(id) && shown(r)),
    events: events.filter((e) => e.event_id === id && shown(e)),
    requests: requests.filter((r) => r.event_ids.includes(id) && shown(r)),
  };
  if (!out.received.length && !out.events.length && !out.requests.length) return undefined;
  const captured = !rc.cfg.debug && [...out.received, ...out.events, ...out.requests].some((e) => e.kept_until !== undefined && !("mode" in e && e.mode === "dry_run"));
  return { ...out, why: rc.cfg.debug ? "debug" : captured ? "capture" : "dry_run" };
}

/** The alert state as the last cron run left it: each destination × condition, firing or not. */
export async function inspectorAlerts(request: Request, rc: RouteContext): Promise<Response> {
  await requireOperator(request, rc);
  const view = await alertsOf(rc.env).view();
  return json(200, {
    enabled: rc.cfg.alerts.enabled,
    webhook: rc.cfg.alerts.webhook_secret !== undefined,
    window_minutes: rc.cfg.alerts.window_minutes,
    ...view,
  });
}
