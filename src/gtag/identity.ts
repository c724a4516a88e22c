/**
 * A new visitor's first gtag hits race: gtag.js sends the page_view and the next events before the answer
 * that sets Tagwire's id cookie has come back, so each would mint its own visitor id. When the browser has no
 * Tagwire id (or session) yet, the request is read as if it carried ones derived from the hit's own GA client
 * id and session id: racing hits then agree, and the Set-Cookie of whichever answers first makes it stick.
 * The pipeline still writes these cookies only with analytics consent.
 */
import type { Config } from "../config/schema.ts";
import { parseCookies } from "../http/cookies.ts";
import { sha256Hex } from "../identity/hash.ts";
import { consentOfHit } from "./consent.ts";

const CID = /^\d{1,20}\.\d{1,20}$/;
const SID = /^\d{9,11}$/;

/** A UUID-shaped id that is the same for the same GA client id, and says nothing about it. */
export async function visitorIdFor(cid: string): Promise<string> {
  const h = await sha256Hex(`tagwire-gtag:${cid}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function withHitIdentity(request: Request, cookies: Config["cookies"], hit: URLSearchParams | undefined): Promise<Request> {
  // A visitor who denied analytics gets no id: nothing to derive (nor a cookie to expire that never was).
  if (!hit || consentOfHit(hit)?.analytics_storage === false) return request;
  const cid = hit.get("cid");
  const sid = hit.get("sid");
  const jar = parseCookies(request.headers.get("cookie"));
  const add: string[] = [];
  if (!jar.has(cookies.id_name) && cid && CID.test(cid)) add.push(`${cookies.id_name}=${await visitorIdFor(cid)}`);
  if (!jar.has(cookies.session_name) && sid && SID.test(sid)) add.push(`${cookies.session_name}=${sid}`);
  if (add.length === 0) return request;
  const headers = new Headers(request.headers);
  const existing = headers.get("cookie");
  headers.set("cookie", existing ? `${existing}; ${add.join("; ")}` : add.join("; "));
  // request.cf carries the geo the pipeline reads; the body was read already and is not needed.
  return new Request(request.url, { method: request.method, headers, ...(request.cf ? { cf: request.cf } : {}) });
}
