/**
 * A gtag.js hit forwarded to GA4 in its own /g/collect format, as server-side Google Tag Manager does: the
 * hit's parameters as the browser sent them (session id, session count, engagement time, page load id and
 * Consent Mode intact, which the Measurement Protocol cannot carry), the visitor's IP as `_uip` (after the
 * destination's IP policy) and their User-Agent header, so GA4 sees the visitor rather than the edge.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import type { BuiltRequest, Mode } from "../types.ts";

/** GA4's collection path for gtag.js hits. */
export const GA4_COLLECT_PATH = "g/collect";

// A hit carries free text (URLs, titles, parameters); an email address in it must not reach GA4.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const FREE_TEXT = /^(dl|dr|dt|ep\.|up\.)/;

export function collectParams(hit: URLSearchParams, e: CanonicalEvent, mode: Mode): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of hit) {
    // Only Tagwire says where the visitor is: a browser-supplied IP override is never passed on.
    if (k === "_uip" || k === "uip") continue;
    out.append(k, FREE_TEXT.test(k) ? v.replace(EMAIL, "(redacted)") : v);
  }
  if (e.context.ip) out.set("_uip", e.context.ip);
  // GA4's DebugView shows hits marked _dbg; there is no separate validation endpoint for /g/collect.
  if (mode === "test") out.set("_dbg", "1");
  return out;
}

export function collectRequest(host: string, hit: URLSearchParams, e: CanonicalEvent, mode: Mode): BuiltRequest {
  const headers: Record<string, string> = { "content-type": "text/plain;charset=UTF-8" };
  if (e.context.user_agent) headers["user-agent"] = e.context.user_agent;
  if (e.context.locale) headers["accept-language"] = e.context.locale;
  return {
    event_ids: [e.event_id],
    request: { method: "POST", url: `${host}/${GA4_COLLECT_PATH}?${collectParams(hit, e, mode).toString()}`, headers, body: "" },
  };
}
