/**
 * GET P/l.js?id=<tag id> (`[gtag.loader]`; also P/gtag/js and P/gtm.js while `google_path` is on): gtag.js or gtm.js fetched from Google's host, its collect path
 * rewritten to `[gtag].path`, and kept in the edge cache (Cache API) so Google is asked once per colo and
 * cache period, not once per page view. Only the configured tag ids are served: the route is no open proxy.
 */
import { rewriteLoader, upstreamUrl } from "../gtag/loader.ts";
import { errorResponse } from "../http/responses.ts";
import type { RouteContext } from "./context.ts";

const TIMEOUT_MS = 10_000;

export async function gtagLoader(request: Request, rc: RouteContext): Promise<Response> {
  const gtag = rc.cfg.gtag!;
  const loader = gtag.loader!;
  const url = new URL(request.url);
  const id = url.searchParams.get("id") ?? "";
  if (!loader.ids.includes(id)) {
    return errorResponse(400, "invalid_request", [{ path: "id", message: `expected one of ${loader.ids.join(", ")}` }]);
  }
  const upstream = upstreamUrl(loader.upstream, id);
  // The key names everything the answer depends on, so a config change never serves a stale rewrite.
  const key = new Request(`${url.origin}${url.pathname}?id=${encodeURIComponent(id)}&to=${encodeURIComponent(gtag.path)}&from=${encodeURIComponent(upstream)}`);
  const cache = (caches as unknown as { default: Cache }).default;
  const hit = await cache.match(key);
  if (hit) return hit;

  let res: Response;
  try {
    res = await fetch(upstream, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    return errorResponse(502, "upstream_unavailable", [{ path: "id", message: "Google's tag host did not answer; retry" }]);
  }
  if (!res.ok) {
    await res.body?.cancel();
    return errorResponse(502, "upstream_unavailable", [{ path: "id", message: `Google's tag host answered ${res.status}` }]);
  }
  const js = rewriteLoader(await res.text(), gtag.path);
  const out = new Response(js, {
    headers: {
      "content-type": "application/javascript; charset=utf-8",
      "cache-control": `public, max-age=${loader.cache_seconds}`,
      "x-content-type-options": "nosniff",
      "access-control-allow-origin": "*",
    },
  });
  rc.exec.waitUntil(cache.put(key, out.clone()));
  return out;
}
