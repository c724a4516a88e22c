/**
 * P/g2 (configurable, `[gtag].path`) and P/g/collect: hits from gtag.js and Google Tag Manager whose
 * `transport_url` / `server_container_url` points at Tagwire, in GA4's own /g/collect protocol (GET, or POST with
 * one hit per body line). Each hit becomes a canonical event through the ingest pipeline (source "browser",
 * Tagwire's cookies and consent) carrying the hit's parameters for GA4; a hit the tracking plan rejects or drops
 * still reaches a GA4 destination with transport "collect", and no other destination, as it would have without
 * Tagwire. Answers like P/e: 202 with what was accepted, 400 when nothing was.
 */
import type { Config } from "../config/schema.ts";
import type { EventPlan } from "../config/schema.ts";
import { handOff } from "../ingest/handoff.ts";
import { receivedFor } from "../debug/received.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { hitErrors, hitsOf, MAX_HITS } from "../gtag/hits.ts";
import { withHitIdentity } from "../gtag/identity.ts";
import { planNameOf, rawEventOf } from "../gtag/event.ts";
import { readText } from "../http/body.ts";
import { corsHeaders, withCors } from "../http/cors.ts";
import { HttpError, json } from "../http/responses.ts";
import { runPipeline, type Rejected } from "../pipeline/index.ts";
import { applyPlan } from "../pipeline/plan.ts";
import { recordIngest } from "../stats/count.ts";
import type { RouteContext } from "./context.ts";
import { gtagLoader } from "./gtagLoader.ts";
import { ANSWER_VERSION } from "./ingest.ts";

const MAX_BODY_BYTES = 64 * 1024;
const MAX_QUERY = 8 * 1024;

/** The stand-in name a plan-rejected hit crosses the pipeline under (then it takes its GA4 name back). */
const PASSTHROUGH = "gtag_hit_forwarded";
const PASSTHROUGH_PLAN: EventPlan = {
  description: "A gtag hit outside the tracking plan, forwarded to GA4 only",
  owner: "tagwire",
  properties: {},
  additional_properties: true,
  destinations: {},
  conversion: false,
};

type Handler = (request: Request, rc: RouteContext) => Response | Promise<Response>;

interface Streams {
  /** Streams whose hits are accepted; null = any. */
  accepted: Set<string> | null;
  /** Streams a GA4 destination forwards as hits (transport "collect"). */
  collect: Set<string>;
  /** Whether any GA4 destination is on (hits then carry their parameters). */
  ga4: boolean;
}

const streamCache = new WeakMap<Config, Streams>();
const pipelineCache = new WeakMap<Config, Config>();

function streamsOf(cfg: Config): Streams {
  let s = streamCache.get(cfg);
  if (s) return s;
  const ga4 = Object.values(cfg.destinations).filter((d) => d.type === "ga4" && d.enabled);
  const ids = cfg.gtag?.measurement_ids ?? ga4.map((d) => String(d.measurement_id));
  s = {
    accepted: ids.length ? new Set(ids) : null,
    collect: new Set(ga4.filter((d) => d.transport === "collect").map((d) => String(d.measurement_id))),
    ga4: ga4.length > 0,
  };
  streamCache.set(cfg, s);
  return s;
}

/** The config the pipeline runs with: the real one plus the passthrough stand-in event. */
function pipelineConfig(cfg: Config): Config {
  let c = pipelineCache.get(cfg);
  if (!c) {
    c = { ...cfg, plan: { ...cfg.plan, events: { ...cfg.plan.events, [PASSTHROUGH]: PASSTHROUGH_PLAN } } };
    pipelineCache.set(cfg, c);
  }
  return c;
}

interface Item {
  index: number;
  hit: URLSearchParams;
  ga4Only: boolean;
}

/** Renames the pipeline's `batch[j]` (its item j) to `batch[i]` (the request's hit i). */
function renumber(r: Rejected, items: readonly Item[], batch: boolean): Rejected {
  const index = items[r.index]!.index;
  if (!batch) return { index, errors: r.errors };
  const from = `batch[${r.index}]`;
  return { index, errors: r.errors.map((e) => ({ ...e, path: e.path.startsWith(from) ? `batch[${index}]${e.path.slice(from.length)}` : e.path })) };
}

export async function gtagCollect(request: Request, rc: RouteContext): Promise<Response> {
  withCors(rc.cfg, request);
  const headers = new Headers(corsHeaders(request));
  try {
    const url = new URL(request.url);
    if (url.search.length > MAX_QUERY) {
      throw new HttpError(414, "payload_too_large", [{ path: "query", message: `at most ${MAX_QUERY} bytes` }]);
    }
    const body = request.method === "POST" ? await readText(request, MAX_BODY_BYTES) : "";
    const hits = hitsOf(url.search, body);
    if (hits.length > MAX_HITS) throw new HttpError(413, "payload_too_large", [{ path: "body", message: `at most ${MAX_HITS} hits` }]);
    const batch = hits.length > 1;
    const streams = streamsOf(rc.cfg);

    const rejected: Rejected[] = [];
    const ignored: { index: number; reason: string }[] = [];
    const ga4Only: { index: number; reason: string }[] = [];
    const items: Item[] = [];
    const raws: unknown[] = [];
    hits.forEach((hit, index) => {
      const prefix = batch ? `batch[${index}]` : "";
      const errors = hitErrors(hit, prefix);
      if (errors.length) return void rejected.push({ index, errors });
      const tid = hit.get("tid")!;
      if (streams.accepted && !streams.accepted.has(tid)) {
        return void ignored.push({ index, reason: `${tid} is not a stream Tagwire forwards` });
      }
      let raw = rawEventOf(rc.cfg, hit);
      let only = false;
      if (streams.collect.has(tid)) {
        // GA4 keeps getting every hit it got before Tagwire; the plan decides only what the others get.
        const props = (raw.properties ?? {}) as Record<string, unknown>;
        const plan = applyPlan(rc.cfg, String(raw.name), props, prefix);
        if (plan.kind !== "accept") {
          only = true;
          ga4Only.push({ index, reason: plan.kind === "drop" ? plan.reason : plan.errors.map((e) => `${e.path}: ${e.message}`).join("; ") });
          raw = { ...raw, name: PASSTHROUGH };
        }
      }
      items.push({ index, hit, ga4Only: only });
      raws.push(raw);
    });

    // Only the headers matter to the pipeline (cookies, IP, user agent, GPC); the body is read already.
    const seen = await withHitIdentity(request, rc.cfg.cookies, items[0]?.hit);
    const result = runPipeline({ cfg: pipelineConfig(rc.cfg), items: raws, batch, source: "browser", request: seen, now: rc.now });
    const out = new Set([...result.rejected.map((r) => r.index), ...result.dropped.map((d) => d.index)]);
    const accepted = items.filter((_, j) => !out.has(j));
    const events: CanonicalEvent[] = result.events.map((e, j) => {
      const it = accepted[j]!;
      const withHit: CanonicalEvent = streams.ga4 ? { ...e, ga4_hit: { params: it.hit.toString() } } : e;
      return it.ga4Only ? { ...withHit, name: it.hit.get("en")!, ga4_only: true } : withHit;
    });
    const pipelineResult = {
      ...result,
      events,
      rejected: [...rejected, ...result.rejected.map((r) => renumber(r, items, batch))].sort((a, b) => a.index - b.index),
      dropped: result.dropped.map((d) => ({ index: items[d.index]!.index, reason: d.reason })),
    };

    await handOff(rc.env, events, undefined, receivedFor(rc.cfg, rc.env, rc.exec, rc.now, request, request.method === "POST" ? body : null, events));
    // Counted under the plan's name, indexed like the request's hits.
    const counted = hits.map((h) => ({ name: planNameOf(rc.cfg, h.get("en") ?? "") }));
    recordIngest(rc.env, rc.exec, rc.now, counted, pipelineResult);

    for (const c of result.setCookies) headers.append("set-cookie", c);
    if (events.length === 0 && pipelineResult.rejected.length > 0) {
      const r = pipelineResult.rejected;
      return json(400, { error: "invalid_hit", details: r.flatMap((x) => x.errors), rejected: r }, headers);
    }
    return json(
      202,
      {
        v: ANSWER_VERSION,
        accepted: events.length,
        event_ids: events.map((e) => e.event_id),
        rejected: pipelineResult.rejected,
        ...(pipelineResult.dropped.length ? { dropped: pipelineResult.dropped } : {}),
        ...(ignored.length ? { ignored } : {}),
        ...(ga4Only.length ? { ga4_only: ga4Only } : {}),
      },
      headers,
    );
  } catch (e) {
    if (e instanceof HttpError) e.headers = headers;
    throw e;
  }
}

/** The routes `[gtag]` turns on, for the router to register (with CORS: gtag.js posts cross-origin). */
export function gtagRoutes(cfg: Config): [string, Partial<Record<"GET" | "POST", Handler>>][] {
  const g = cfg.gtag;
  if (!g) return [];
  const routes: [string, Partial<Record<"GET" | "POST", Handler>>][] = [[g.path, { GET: gtagCollect, POST: gtagCollect }]];
  if (g.google_path) routes.push(["/g/collect", { GET: gtagCollect, POST: gtagCollect }]);
  if (g.loader) routes.push([g.loader.path, { GET: gtagLoader }]);
  // Where a Google tag configured with server_container_url may ask for its library (filter lists know these).
  if (g.loader && g.google_path) routes.push(["/gtag/js", { GET: gtagLoader }], ["/gtm.js", { GET: gtagLoader }]);
  return routes;
}
