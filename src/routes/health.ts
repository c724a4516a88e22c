/**
 * GET P/health: public liveness says only whether Tagwire is ok (`{"status":"ok"}`) or `"degraded"`: a secret
 * the config names is missing in a way that loses or exposes data (a live destination's or a source's, the
 * archive key, the dead-letter key). With the admin token it adds the config's version, prefix, plan policy,
 * each destination's mode, purpose and missing secrets, and every missing secret by name with what stops
 * working (`missing_secrets`): nothing an outsider needs to map the setup. Never a secret value.
 */
import { missingSecrets } from "../config/secretRefs.ts";
import { purposeOf } from "../destinations/eligibility.ts";
import { definitionOf } from "../destinations/registry.ts";
import { json } from "../http/responses.ts";
import { bearerMatches } from "../http/tokens.ts";
import type { RouteContext } from "./context.ts";

export function health(request: Request, rc: RouteContext): Response {
  const { cfg, env } = rc;
  const has = (name: string) => typeof env[name] === "string" && env[name] !== "";
  const missing = missingSecrets(cfg, has);
  // The archive needs its bucket too: without the binding it is off whatever the secret.
  const notes = cfg.archive.enabled && !env.ARCHIVE ? ["archive off: no ARCHIVE R2 bucket is bound (wrangler.toml), so there is no backfill source"] : [];
  const destinations = Object.entries(cfg.destinations).map(([id, d]) => {
    const def = definitionOf(d.type);
    const lacking = missing.filter((m) => m.path.startsWith(`destinations.${id}.`)).map((m) => m.name);
    return {
      id,
      type: d.type,
      enabled: d.enabled,
      mode: d.mode,
      purpose: purposeOf(d, def),
      ...(lacking.length ? { warnings: lacking.map((n) => `secret ${n} is not set`) } : {}),
    };
  });
  const status = missing.some((m) => m.data) || notes.length ? "degraded" : "ok";
  if (!bearerMatches(request, env[cfg.admin.token_secret])) return json(200, { status });
  return json(200, {
    status,
    version: cfg.version,
    prefix: cfg.prefix,
    unknown_events: cfg.plan.unknown_events,
    events_in_plan: Object.keys(cfg.plan.events).length,
    destinations,
    missing_secrets: missing.map((m) => ({ name: m.name, path: m.path, effect: m.effect })),
    ...(notes.length ? { warnings: notes } : {}),
  });
}
