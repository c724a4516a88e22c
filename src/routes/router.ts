/**
 * Wires the routes under every active prefix (the current one and those kept after a rotation), with the
 * configured route names, plus a short answer at `/`. One router per config (cached).
 */
import { IttyRouter, type IRequest } from "itty-router";
import type { Config } from "../config/schema.ts";
import { preflight } from "../http/cors.ts";
import { errorResponse } from "../http/responses.ts";
import type { RouteContext } from "./context.ts";
import { debugClear, debugList } from "./debug.ts";
import { gtagRoutes } from "./gtag.ts";
import { health } from "./health.ts";
import { home } from "./home.ts";
import { ingest } from "./ingest.ts";
import { pixel } from "./pixel.ts";
import { demo, sdkScript, sdkVersioned } from "./sdk.ts";
import { listDeadLetters, replayDeadLetters } from "./admin.ts";
import { erase } from "./erase.ts";
import { backfillRoute } from "./backfill.ts";
import { s2s } from "./s2s.ts";
import { stats } from "./stats.ts";
import { counts } from "./counts.ts";
import { reconcile } from "./reconcile.ts";
import { captureSet, captureState } from "./capture.ts";
import { inspector, inspectorAlerts, inspectorEvent, inspectorEvents } from "./inspector.ts";

type Handler = (request: Request, rc: RouteContext) => Response | Promise<Response>;

const methodNotAllowed = (allowed: string) => () =>
  errorResponse(405, "method_not_allowed", [{ path: "method", message: `use ${allowed}` }], { allow: allowed });

/** Every prefix the Worker answers under: the current one first. */
export function activePrefixes(cfg: Config): string[] {
  return [cfg.prefix, ...cfg.previous_prefixes];
}

export function buildRouter(cfg: Config) {
  const router = IttyRouter<IRequest, [RouteContext]>();
  const { events, pixel: pixelName, sdk, renamed_from: old } = cfg.routes;
  const sdkStem = sdk.slice(0, -".js".length);
  for (const base of activePrefixes(cfg)) {
    const route = (path: string, handlers: Partial<Record<"GET" | "POST", Handler>>, cors = false) => {
      const allowed = [...Object.keys(handlers), ...(cors ? ["OPTIONS"] : [])].join(", ");
      router.all(base + path, (request, rc) => {
        if (cors && request.method === "OPTIONS") return preflight(rc.cfg, request);
        const h = handlers[request.method as "GET" | "POST"] ?? (request.method === "HEAD" ? handlers.GET : undefined);
        return h ? h(request, rc) : methodNotAllowed(allowed)();
      });
    };
    // Earlier names stay served: SDK copies cached in browsers still send to them.
    for (const name of [events, ...(old.events ?? [])]) route(`/${name}`, { POST: ingest }, true);
    for (const name of [pixelName, ...(old.pixel ?? [])]) route(`/${name}`, { GET: pixel });
    for (const name of old.sdk ?? []) route(`/${name}`, { GET: sdkScript });
    route("/s2s", { POST: s2s });
    route("/health", { GET: health });
    route(`/${sdk}`, { GET: sdkScript });
    route(`/${sdkStem}.:hash.js`, { GET: sdkVersioned });
    route("/demo", { GET: demo });
    route("/admin/dead-letters", { GET: listDeadLetters });
    route("/admin/replay", { POST: replayDeadLetters });
    route("/admin/stats", { GET: stats });
    route("/admin/erase", { POST: erase });
    route("/admin/backfill", { POST: backfillRoute });
    route("/admin/counts", { GET: counts });
    route("/admin/reconcile", { GET: reconcile, POST: reconcile });
    route("/admin/capture", { GET: captureState, POST: captureSet });
    route("/inspector", { GET: inspector });
    route("/inspector/events", { GET: inspectorEvents });
    route("/inspector/event", { GET: inspectorEvent });
    route("/inspector/alerts", { GET: inspectorAlerts });
    route("/debug/events", { GET: (r, rc) => debugList(r, rc, "event") });
    route("/debug/requests", { GET: (r, rc) => debugList(r, rc, "request") });
    route("/debug/clear", { POST: debugClear });
    for (const [path, handlers] of gtagRoutes(cfg)) route(path, handlers, true);
    // The prefix itself: the same short answer as `/`.
    if (base) route("", { GET: home });
  }
  router.all("/", (request, rc) => (request.method === "GET" || request.method === "HEAD" ? home(request, rc) : methodNotAllowed("GET")()));
  return router;
}

const cache = new WeakMap<Config, ReturnType<typeof buildRouter>>();

export function routerFor(cfg: Config) {
  let r = cache.get(cfg);
  if (!r) {
    r = buildRouter(cfg);
    cache.set(cfg, r);
  }
  return r;
}
