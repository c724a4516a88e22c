/**
 * Access to the ledger's views (P/inspector, P/admin/counts, P/admin/reconcile): the admin bearer token, a
 * verified Cloudflare Access JWT when admin.access is configured, or, with debug = true, a request to the
 * Worker on this machine (npm start).
 */
import { parseCookies } from "../http/cookies.ts";
import { HttpError } from "../http/responses.ts";
import { verifyAccessJwt } from "../ledger/access.ts";
import { timingSafeEqualText } from "../s2s/verify.ts";
import type { RouteContext } from "./context.ts";
import { isLocalRequest } from "./debug.ts";

/** Passes an operator's request and says who it is ("localhost", "admin token", or the Access email); else 401. */
export async function requireOperator(request: Request, rc: RouteContext): Promise<string> {
  if (rc.cfg.debug && isLocalRequest(request)) return "localhost";
  const token = rc.env[rc.cfg.admin.token_secret];
  const auth = request.headers.get("authorization") ?? "";
  if (auth.startsWith("Bearer ") && typeof token === "string" && token !== "" && timingSafeEqualText(auth.slice(7), token)) return "admin token";
  const access = rc.cfg.admin.access;
  const jwt = request.headers.get("cf-access-jwt-assertion") ?? parseCookies(request.headers.get("cookie")).get("CF_Authorization");
  let why = "no Access JWT";
  if (access && jwt) {
    try {
      const v = await verifyAccessJwt(jwt, access, rc.now);
      if (v.ok) return v.email ?? "Cloudflare Access";
      why = v.why;
    } catch (e) {
      why = `could not verify: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  const message = access
    ? `needs Bearer <${rc.cfg.admin.token_secret}> or a valid Cloudflare Access JWT (${why})`
    : `needs Bearer <${rc.cfg.admin.token_secret}>`;
  throw new HttpError(401, "unauthorized", [{ path: "Authorization", message }]);
}
