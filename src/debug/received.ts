/**
 * What a request looked like when it arrived, for the inspector's "received" step: kept only in development,
 * for a capture (src/debug/capture.ts). Cookies Tagwire reads are kept with their values; every other cookie
 * on the customer's domain (sessions, carts) only by name: they are none of Tagwire's business.
 */
import type { Config } from "../config/schema.ts";
import type { Env } from "../env.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { parseCookies } from "../http/cookies.ts";
import { VENDOR_COOKIES } from "../identity/visitor.ts";
import type { Received } from "../queue/messages.ts";
import { captures, captureSeen } from "./capture.ts";


const BODY_MAX = 16 * 1024;
const HEADERS = ["user-agent", "origin", "referer", "content-type", "accept-language", "sec-gpc", "x-tagwire-source", "x-tagwire-timestamp"];

function readCookies(cfg: Config): Set<string> {
  const c = cfg.cookies;
  const old = Object.values(c.renamed_from).flatMap((names) => names ?? []);
  return new Set([c.id_name, c.session_name, c.clicks_name, ...old, "_fbp", "_fbc", ...VENDOR_COOKIES]);
}

/**
 * The request as received, when any of its accepted events is captured; undefined otherwise (the usual case,
 * costing nothing but this isolate's copy of the capture state, which is never awaited).
 */
export function receivedFor(
  cfg: Config,
  env: Env,
  exec: ExecutionContext,
  now: number,
  request: Request,
  body: string | null,
  events: readonly CanonicalEvent[],
): Received | undefined {
  if (events.length === 0 || (!cfg.debug && !cfg.capture.enabled)) return undefined;
  const state = cfg.debug ? null : captureSeen(env, exec, now);
  if (!events.some((e) => captures(cfg, state, e.name, now))) return undefined;
  const headers: Record<string, string> = {};
  for (const h of HEADERS) {
    const v = request.headers.get(h);
    if (v !== null) headers[h] = v.slice(0, 512);
  }
  const read = readCookies(cfg);
  // Cookie names are input: a null-prototype object, so "__proto__" is just a name.
  const cookies = Object.create(null) as Record<string, string>;
  for (const [name, value] of [...parseCookies(request.headers.get("cookie"))].slice(0, 64)) cookies[name] = read.has(name) ? value.slice(0, 512) : "(not read)";
  return {
    at: new Date(now).toISOString(),
    method: request.method,
    url: request.url.slice(0, 8192),
    headers,
    cookies,
    body: body === null ? null : body.length > BODY_MAX ? `${body.slice(0, BODY_MAX)}… (${body.length} characters)` : body,
    event_ids: events.map((e) => e.event_id),
    names: [...new Set(events.map((e) => e.name))],
  };
}
