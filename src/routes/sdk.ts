/**
 * GET P/s.js (the browser SDK, revalidated daily), GET P/s.<hash>.js (the same bytes under a versioned,
 * immutable URL) and GET P/demo (development only: the demo page became the inspector, P/inspector).
 */
import { errorResponse } from "../http/responses.ts";
import { servedSdk, type ServedSdk } from "../sdk/served.ts";
import type { RouteContext } from "./context.ts";
import { isLocalRequest } from "./debug.ts";

// The plain URL may change on any deploy, so caches keep it a day and revalidate cheaply with the ETag; the
// versioned URL never changes meaning, so it is cached for a year.
const CACHE_PLAIN = "public, max-age=86400, stale-while-revalidate=604800";
const CACHE_VERSIONED = "public, max-age=31536000, immutable";

/** True when If-None-Match names the current SDK (weak or strong, in a list, or `*`). */
export function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

const sdkOf = (rc: RouteContext): ServedSdk => servedSdk(rc.cfg.sdk_global, rc.cfg.routes.events);

function script(request: Request, sdk: ServedSdk, cacheControl: string): Response {
  const ETAG = `"${sdk.hash}"`;
  const headers = {
    "content-type": "application/javascript; charset=utf-8",
    "cache-control": cacheControl,
    etag: ETAG,
    "x-content-type-options": "nosniff",
    // A public file: any page may load it with crossorigin="anonymous", which Subresource Integrity needs.
    "access-control-allow-origin": "*",
  };
  if (matchesEtag(request.headers.get("if-none-match"), ETAG)) return new Response(null, { status: 304, headers });
  return new Response(sdk.js, { status: 200, headers });
}

export function sdkScript(request: Request, rc: RouteContext): Response {
  return script(request, sdkOf(rc), CACHE_PLAIN);
}

export function sdkVersioned(request: Request, rc: RouteContext): Response {
  const hash = (request as Request & { params?: Record<string, string> }).params?.hash;
  const sdk = sdkOf(rc);
  if (hash === sdk.hash) return script(request, sdk, CACHE_VERSIONED);
  // A page still naming an older build gets the current one rather than no analytics at all.
  return new Response(null, {
    status: 302,
    headers: { location: `${rc.cfg.prefix}/${rc.cfg.routes.sdk}`, "cache-control": "public, max-age=300" },
  });
}

/** Old bookmarks and docs name P/demo: its buttons now live on the inspector (debug = true, localhost only, as before). */
export function demo(request: Request, rc: RouteContext): Response {
  if (!rc.cfg.debug || !isLocalRequest(request)) {
    return errorResponse(404, "not_found", [{ path: "path", message: `no route ${new URL(request.url).pathname}` }]);
  }
  return new Response(null, { status: 302, headers: { location: `${rc.cfg.prefix}/inspector`, "cache-control": "no-store" } });
}
