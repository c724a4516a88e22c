/** GET P/health: liveness, the config's version and the destinations enabled. Never a secret value. */
import { purposeOf } from "../destinations/eligibility.ts";
import { definitionOf } from "../destinations/registry.ts";
import { json } from "../http/responses.ts";
import type { RouteContext } from "./context.ts";

export function health(_request: Request, rc: RouteContext): Response {
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
  return json(200, {
    status: "ok",
    version: cfg.version,
    prefix: cfg.prefix,
    unknown_events: cfg.plan.unknown_events,
    events_in_plan: Object.keys(cfg.plan.events).length,
    destinations,
  });
}
