/**
 * Per-client limits on the browser routes, with Cloudflare's Rate Limiting bindings (wrangler.toml
 * `[[ratelimits]]`). Each binding has a fixed limit per 10 or 60 s period, counted per Cloudflare location,
 * and answers only "within" or "over". The config chooses the binding per route (`rate_limits.browser`,
 * `rate_limits.pixel`) and per event (`rate_limits.events`, else `rate_limits.conversions` for every event
 * that carries a value). Keys are the client IP and the Origin, so one abusive page does not starve another
 * site's visitors behind the same IP. A refusal answers 429 with Retry-After = the binding's period, and is
 * counted in the stats (metric `rate_limited:<binding>`).
 */
import type { Config } from "../config/schema.ts";
import { SHIPPED_RATE_LIMITS } from "../config/schema.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { lookupPlan } from "../pipeline/plan.ts";
import { ingestCounts, NO_DESTINATION } from "../stats/count.ts";
import type { RouteContext } from "../routes/context.ts";
import { readText } from "./body.ts";
import { HttpError, type Detail } from "./responses.ts";

export interface Refusal {
  body: { error: string; details: Detail[] };
  headers: Record<string, string>;
}

/** The limiter bound under `name`, when the Worker has one (a missing binding limits nothing). */
function limiter(env: RouteContext["env"], name: string): RateLimit | undefined {
  const b = env[name] as { limit?: unknown } | undefined;
  return b && typeof b.limit === "function" ? (b as RateLimit) : undefined;
}

function periodOf(cfg: Config, name: string): number {
  return (Object.hasOwn(cfg.rate_limits.periods, name) ? cfg.rate_limits.periods[name] : undefined) ?? SHIPPED_RATE_LIMITS[name] ?? 60;
}

/** IP and Origin; undefined without an IP (only local tools send none: Cloudflare always sets it). */
function clientKey(request: Request): string | undefined {
  const ip = request.headers.get("cf-connecting-ip");
  return ip ? `${ip} ${request.headers.get("origin") ?? ""}` : undefined;
}

function refusal(rc: RouteContext, name: string, what: string, events: readonly string[]): Refusal {
  const period = periodOf(rc.cfg, name);
  // Counted in the isolate and written every few seconds: a flood of refusals costs no object call each.
  const counter = ingestCounts.counter(rc.now);
  // Refused names are a client's choice: only the plan's own become stats rows, the rest count together.
  const rows = events.length ? events.map((e) => (lookupPlan(rc.cfg, e) ? e : "(unplanned)")) : ["(request)"];
  for (const e of rows) counter.add(e, NO_DESTINATION, `rate_limited:${name}`);
  ingestCounts.flushIfDue(rc.env, rc.exec, rc.now);
  return {
    body: { error: "rate_limited", details: [{ path: what, message: `too many from this client; retry after ${period} s` }] },
    headers: { "retry-after": String(period) },
  };
}

/** Spends `units` (one call each: the binding's `delta` option is not available everywhere) and says whether any was refused. */
async function over(rc: RouteContext, name: string, key: string, units = 1): Promise<boolean> {
  const l = limiter(rc.env, name);
  if (!l) return false;
  try {
    const answers = await Promise.all(Array.from({ length: units }, () => l.limit({ key })));
    return answers.some((a) => !a.success);
  } catch (e) {
    // A limiter that fails must not take ingestion down with it.
    console.error("tagwire: rate limiter failed", e instanceof Error ? e.message : String(e));
    return false;
  }
}

/** The route's own limit, one unit per request. */
export async function limitRequest(request: Request, rc: RouteContext, route: "browser" | "pixel"): Promise<Refusal | undefined> {
  const name = rc.cfg.rate_limits[route];
  const key = clientKey(request);
  if (name === false || key === undefined) return undefined;
  return (await over(rc, name, key)) ? refusal(rc, name, "request", []) : undefined;
}

/** The limiter an event counts against: its own entry, else the conversions limiter when it carries a value. */
function eventLimiter(cfg: Config, name: string, hasValue: boolean): string | false {
  if (Object.hasOwn(cfg.rate_limits.events, name)) return cfg.rate_limits.events[name]!;
  return hasValue ? cfg.rate_limits.conversions : false;
}

async function limitNames(request: Request, rc: RouteContext, events: readonly { name: string; hasValue: boolean }[]): Promise<Refusal | undefined> {
  const key = clientKey(request);
  if (key === undefined) return undefined;
  const byLimiter = new Map<string, string[]>();
  for (const e of events) {
    const name = eventLimiter(rc.cfg, e.name, e.hasValue);
    if (name === false) continue;
    byLimiter.set(name, [...(byLimiter.get(name) ?? []), e.name]);
  }
  for (const [name, names] of byLimiter) {
    if (await over(rc, name, key, names.length)) return refusal(rc, name, "name", names);
  }
  return undefined;
}

/** Per-event limits for canonical events (the pixel, which has them before the hand-off). */
export function limitEvents(request: Request, rc: RouteContext, events: readonly CanonicalEvent[]): Promise<Refusal | undefined> {
  return limitNames(request, rc, events.map((e) => ({ name: e.name, hasValue: e.value !== null })));
}

/** Whether any event-level limiter could apply, so P/e reads its body twice only then. */
function eventLimitsOn(cfg: Config, env: RouteContext["env"]): boolean {
  const names = [cfg.rate_limits.conversions, ...Object.values(cfg.rate_limits.events)];
  return names.some((n) => n !== false && limiter(env, n) !== undefined);
}

/** Names and whether each carries a value, from a raw P/e body, as the tracking plan will read them. */
function rawEvents(cfg: Config, body: unknown): { name: string; hasValue: boolean }[] {
  const items = typeof body === "object" && body !== null && "batch" in body && Array.isArray((body as { batch: unknown }).batch)
    ? ((body as { batch: unknown[] }).batch)
    : [body];
  const out: { name: string; hasValue: boolean }[] = [];
  for (const it of items.slice(0, 100)) {
    if (typeof it !== "object" || it === null) continue;
    const { name, properties } = it as { name?: unknown; properties?: unknown };
    if (typeof name !== "string") continue;
    const props = typeof properties === "object" && properties !== null ? (properties as Record<string, unknown>) : {};
    const plan = lookupPlan(cfg, name);
    const hasValue = plan?.value !== undefined || typeof props.value === "number";
    out.push({ name, hasValue });
  }
  return out;
}

/**
 * POST P/e's limits, called first thing by the handler: the route's limit per request, then the event limits
 * (which need the event names, read from a copy of the body). Throws 429 rate_limited with Retry-After.
 */
export async function withRateLimit(request: Request, rc: RouteContext, maxBodyBytes: number, cors: Record<string, string>): Promise<void> {
  let refused = await limitRequest(request, rc, "browser");
  if (!refused && eventLimitsOn(rc.cfg, rc.env) && clientKey(request) !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(await readText(request.clone(), maxBodyBytes));
    } catch {
      return; // the handler answers bad bodies itself
    }
    refused = await limitNames(request, rc, rawEvents(rc.cfg, body));
  }
  if (refused) {
    const e = new HttpError(429, refused.body.error, refused.body.details);
    e.headers = new Headers({ ...cors, ...refused.headers });
    throw e;
  }
}
