/**
 * GET / (and GET P): a few lines of text for a person who opens the tracking host in a browser, naming the
 * prefix, the routes a site uses and where to look next, instead of a bare 404. Nothing secret: a page that
 * loads the SDK shows the prefix already.
 */
import type { RouteContext } from "./context.ts";

export function home(_request: Request, rc: RouteContext): Response {
  const { cfg } = rc;
  const p = cfg.prefix;
  const lines = [
    "Tagwire: a first-party event proxy runs on this host.",
    "",
    `Prefix: ${p || "/"}${cfg.previous_prefixes.length ? ` (also still served: ${cfg.previous_prefixes.join(", ")})` : ""}`,
    `  GET  ${p}/${cfg.routes.sdk}   the browser SDK (window.${cfg.sdk_global})`,
    `  POST ${p}/${cfg.routes.events}   browser events`,
    `  GET  ${p}/health   status, config version and destinations`,
    cfg.debug
      ? `Inspector: ${p}/inspector (buttons that send test events; full payloads), raw lists at ${p}/debug/events and ${p}/debug/requests`
      : `Inspector: ${p}/inspector (the admin token or Cloudflare Access)`,
  ];
  return new Response(`${lines.join("\n")}\n`, {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-robots-tag": "noindex" },
  });
}
