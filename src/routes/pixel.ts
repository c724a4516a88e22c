/**
 * GET P/p.gif: the no-JavaScript fallback (email opens, <noscript>). The event travels in the query string,
 * either as `e=<JSON>` or as flat fields (`n`, `id`, `t`, `url`, `title`, `ref`, `p.<property>`,
 * `c.<consent field>`). Always answers a 1×1 GIF; a rejected event gets status 400 and the reason in
 * `X-Tagwire-Error`, a rate-limited client 429 with Retry-After. Only an accepted GET records an event or
 * sets a cookie.
 */
import { handOff } from "../ingest/handoff.ts";
import { receivedFor } from "../debug/received.ts";
import { secretFrom } from "../env.ts";
import { lookupPlan } from "../pipeline/plan.ts";
import { recordIngest } from "../stats/count.ts";
import { runPipeline } from "../pipeline/index.ts";
import type { Config } from "../config/schema.ts";
import { headerJson, HttpError, type Detail } from "../http/responses.ts";
import { limitEvents, limitRequest } from "../http/rateLimit.ts";
import type { RouteContext } from "./context.ts";

// The smallest transparent 1×1 GIF89a.
const GIF = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"),
  (c) => c.charCodeAt(0),
);
const MAX_QUERY = 8 * 1024;

function coerce(cfg: Config, name: string, key: string, raw: string): unknown {
  const props = lookupPlan(cfg, name)?.properties;
  const type = props && Object.hasOwn(props, key) ? props[key]!.type : undefined;
  if ((type === "number" || type === "integer") && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

/** Turns the query string into one raw event, or an error message naming the parameter. */
export function eventFromQuery(cfg: Config, q: URLSearchParams): unknown {
  const e = q.get("e");
  if (e !== null) {
    try {
      return JSON.parse(e);
    } catch {
      return { __invalid: "e" };
    }
  }
  const name = q.get("n") ?? q.get("name") ?? "";
  const ev: Record<string, unknown> = { name };
  // Query names become keys: null-prototype objects, so "p.__proto__" is a key (and refused), not a prototype.
  const properties: Record<string, unknown> = Object.create(null);
  const consent: Record<string, unknown> = Object.create(null);
  const page: Record<string, string> = Object.create(null);
  for (const [k, v] of q) {
    if (k.startsWith("p.")) properties[k.slice(2)] = coerce(cfg, name, k.slice(2), v);
    else if (k.startsWith("c.")) consent[k.slice(2)] = v;
  }
  const set = (key: string, v: string | null) => v !== null && (ev[key] = v);
  set("event_id", q.get("id") ?? q.get("event_id"));
  set("time", q.get("t") ?? q.get("time"));
  const url = q.get("url");
  if (url !== null) page.url = url;
  const title = q.get("title");
  if (title !== null) page.title = title;
  const ref = q.get("ref");
  if (ref !== null) page.referrer = ref;
  if (Object.keys(properties).length) ev.properties = properties;
  if (Object.keys(consent).length) ev.consent = consent;
  if (Object.keys(page).length) ev.page = page;
  return ev;
}

function gif(status: number, error?: { error: string; details: Detail[] }, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    "content-type": "image/gif",
    "cache-control": "no-store, max-age=0",
    ...extra,
  };
  if (error !== undefined) headers["x-tagwire-error"] = headerJson(error);
  return new Response(GIF, { status, headers });
}

export async function pixel(request: Request, rc: RouteContext): Promise<Response> {
  // HEAD (link checkers, prefetchers, monitoring) asks whether the image exists: it records nothing.
  if (request.method === "HEAD") return gif(200);
  const refused = await limitRequest(request, rc, "pixel");
  if (refused) return gif(429, refused.body, refused.headers);
  const url = new URL(request.url);
  if (url.search.length > MAX_QUERY) {
    return gif(414, { error: "payload_too_large", details: [{ path: "query", message: `at most ${MAX_QUERY} bytes` }] });
  }
  const raw = eventFromQuery(rc.cfg, url.searchParams);
  if (typeof raw === "object" && raw !== null && "__invalid" in raw) {
    return gif(400, { error: "invalid_json", details: [{ path: "e", message: "not valid JSON" }] });
  }
  const result = runPipeline({
    cfg: rc.cfg,
    items: [raw],
    batch: false,
    source: "pixel",
    request,
    now: rc.now,
    fallbackUrl: request.headers.get("referer"),
    secret: secretFrom(rc.env),
  });
  const limited = await limitEvents(request, rc, result.events);
  if (limited) return gif(429, limited.body, limited.headers);
  try {
    await handOff(rc.env, result.events, undefined, receivedFor(rc.cfg, rc.env, rc.exec, rc.now, request, null, result.events));
    recordIngest(rc.env, rc.exec, rc.now, [raw], result);
  } catch (e) {
    if (e instanceof HttpError) return gif(e.status, { error: e.code, details: e.details });
    throw e;
  }
  if (result.rejected.length > 0) return gif(400, { error: "invalid_event", details: result.rejected.flatMap((r) => r.errors) });
  const res = gif(200);
  // Cookies only for an event that was taken: a refused request leaves the browser as it was.
  if (result.events.length > 0) for (const c of result.setCookies) res.headers.append("set-cookie", c);
  return res;
}
