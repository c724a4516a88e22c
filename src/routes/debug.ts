/**
 * GET P/debug/events and P/debug/requests: recent canonical events and the outbound requests each destination
 * sent or (dry_run) recorded. Only when `debug = true`, and only from localhost unless the admin token is given.
 */
import { debugLog } from "../debug/record.ts";
import { HttpError, json } from "../http/responses.ts";
import { bearerMatches } from "../http/tokens.ts";
import type { RouteContext } from "./context.ts";

const LOCAL = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether the request was made to the Worker on this machine (wrangler dev), not through a public host. */
export function isLocalRequest(request: Request): boolean {
  return LOCAL.has(new URL(request.url).hostname);
}

export function requireDebug(request: Request, rc: RouteContext): void {
  if (!rc.cfg.debug) throw new HttpError(404, "not_found", [{ path: "path", message: "debug endpoints are off (debug = false)" }]);
  if (isLocalRequest(request)) return;
  if (!bearerMatches(request, rc.env[rc.cfg.admin.token_secret])) {
    throw new HttpError(401, "unauthorized", [{ path: "Authorization", message: "debug endpoints need the admin bearer token" }]);
  }
}

/**
 * A page on another site can make the browser POST here (a form needs no preflight), and localhost needs no
 * token: only a same-origin or non-browser request (no Origin, Sec-Fetch-Site not cross-site) may clear.
 */
export function requireSameSite(request: Request, route = "P/debug/clear"): void {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const foreign = (origin !== null && origin !== new URL(request.url).origin) || (site !== null && site !== "same-origin" && site !== "none");
  if (foreign) throw new HttpError(403, "cross_site", [{ path: "Origin", message: `${route} only answers same-origin requests` }]);
}

export async function debugList(request: Request, rc: RouteContext, kind: "event" | "request"): Promise<Response> {
  requireDebug(request, rc);
  const limit = Math.max(1, Math.min(500, Number(new URL(request.url).searchParams.get("limit") ?? 100) || 100));
  const items = await debugLog(rc.env).list(kind, limit);
  return json(200, { [kind === "event" ? "events" : "requests"]: items });
}

export async function debugClear(request: Request, rc: RouteContext): Promise<Response> {
  requireDebug(request, rc);
  requireSameSite(request);
  await debugLog(rc.env).clear();
  return json(200, { cleared: true });
}
