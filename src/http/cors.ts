/**
 * CORS for browser routes: only configured origins (exact match) and the Worker's own origin, with credentials
 * so the first-party cookies flow. A request from any other origin gets no CORS headers and a 403.
 */
import type { Config } from "../config/schema.ts";
import { HttpError } from "./responses.ts";

export function originAllowed(cfg: Config, request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  return cfg.allowed_origins.includes(origin) || origin === new URL(request.url).origin;
}

export function corsHeaders(request: Request): Record<string, string> {
  const origin = request.headers.get("origin");
  if (!origin) return {};
  return { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", vary: "Origin" };
}

export function withCors(cfg: Config, request: Request): void {
  if (!originAllowed(cfg, request)) {
    throw new HttpError(403, "origin_not_allowed", [
      { path: "Origin", message: `${request.headers.get("origin")} is not in allowed_origins` },
    ]);
  }
}

export function preflight(cfg: Config, request: Request): Response {
  if (!request.headers.get("origin") || !originAllowed(cfg, request)) {
    return new Response(JSON.stringify({ error: "origin_not_allowed", details: [{ path: "Origin", message: "not allowed" }] }), {
      status: 403,
      headers: { "content-type": "application/json" },
    });
  }
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(request),
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "86400",
    },
  });
}
