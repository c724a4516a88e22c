/**
 * GET P/health: public liveness says only whether Tagwire is ok (`{"status":"ok"}` or `"degraded"` when a live
 * destination lacks a secret). With the admin token it adds the config's version, prefix, plan policy and
 * each destination's mode, purpose and missing secrets by name: nothing an outsider needs to map the setup.
 * Never a secret value.
 */
import { purposeOf } from "../destinations/eligibility.ts";
import { definitionOf } from "../destinations/registry.ts";
import { json } from "../http/responses.ts";
import { bearerMatches } from "../http/tokens.ts";
import type { RouteContext } from "./context.ts";

export function health(request: Request, rc: RouteContext): Response {
  const { cfg, env } = rc;
  const destinations = Object.entries(cfg.destinations).map(([id, d]) => {
    const def = definitionOf(d.type);
    const missing = def.secretKeys
      .map((k) => (d as Record<string, unknown>)[k])
      .filter((name): name is string => typeof name === "string" && !(typeof env[name] === "string" && env[name] !== ""));
    return {
      id,
      type: d.type,
      enabled: d.enabled,
      mode: d.mode,
      purpose: purposeOf(d, def),
      ...(missing.length && d.mode !== "dry_run" ? { warnings: missing.map((n) => `secret ${n} is not set`) } : {}),
    };
  });
  const status = destinations.some((d) => d.enabled && d.warnings) ? "degraded" : "ok";
  if (!bearerMatches(request, env[cfg.admin.token_secret])) return json(200, { status });
  return json(200, {
    status,
    version: cfg.version,
    prefix: cfg.prefix,
    unknown_events: cfg.plan.unknown_events,
    events_in_plan: Object.keys(cfg.plan.events).length,
    destinations,
  });
}
