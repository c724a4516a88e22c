/**
 * Every Worker secret a config names, with what stops working while it is unset. One list for the three places
 * that ask "which secrets are missing": `P/health` (against the Worker's env), `npm run config:check` and
 * `npm run doctor` (against .dev.vars or `wrangler secret list`). A secret a feature does not use right now (a
 * dry_run destination's token, the archive key with the archive off) is not listed: nothing misses it.
 */
import { definitionOf } from "../destinations/registry.ts";
import type { Config } from "./schema.ts";

export interface SecretRef {
  name: string;
  /** The config key that names it. */
  path: string;
  /** Missing is an error (config:check fails, doctor fails): events are refused or not delivered. */
  required: boolean;
  /** Missing loses or exposes data (health says "degraded"): events not delivered, not archived, stored in clear. */
  data: boolean;
  /** What stops working while it is unset, for people. */
  effect: string;
}

export function secretRefs(cfg: Config): SecretRef[] {
  const refs: SecretRef[] = [];
  for (const [id, d] of Object.entries(cfg.destinations)) {
    // A dry_run or disabled destination never sends, so its secret may be absent.
    if (!d.enabled || d.mode === "dry_run") continue;
    for (const key of definitionOf(d.type).secretKeys) {
      const name = (d as Record<string, unknown>)[key];
      if (typeof name === "string") {
        refs.push({ name, path: `destinations.${id}.${key}`, required: true, data: true, effect: `${id} sends nothing: its events are dead-lettered (auth)` });
      }
    }
  }
  for (const [id, s] of Object.entries(cfg.sources)) {
    refs.push({ name: s.secret, path: `sources.${id}.secret`, required: true, data: true, effect: `server events from source ${id} are refused (401)` });
  }
  if (cfg.identity.enabled && cfg.identity.verify_user_id) {
    refs.push({ name: cfg.identity.secret, path: "identity.secret", required: false, data: false, effect: "no browser user_id can be verified: all are treated as unsigned" });
  }
  if (cfg.archive.enabled) {
    refs.push({ name: cfg.archive.key_secret, path: "archive.key_secret", required: false, data: true, effect: "archive off: events are not archived, so there is no backfill source" });
    if (cfg.archive.previous_key_secret) {
      refs.push({ name: cfg.archive.previous_key_secret, path: "archive.previous_key_secret", required: false, data: false, effect: "archive objects sealed with the previous key are unreadable to backfills" });
    }
  }
  // Only a live destination dead-letters what it could not deliver (a dry run never does): the demo needs no key.
  const live = Object.values(cfg.destinations).some((d) => d.enabled && d.mode !== "dry_run");
  if (live) {
    refs.push({ name: cfg.dead_letters.key_secret, path: "dead_letters.key_secret", required: false, data: true, effect: "dead letters (with personal data) are stored unencrypted" });
  }
  if (live && cfg.dead_letters.previous_key_secret) {
    refs.push({ name: cfg.dead_letters.previous_key_secret, path: "dead_letters.previous_key_secret", required: false, data: false, effect: "dead letters sealed with the previous key cannot be replayed" });
  }
  if (cfg.alerts.enabled && cfg.alerts.webhook_secret) {
    refs.push({ name: cfg.alerts.webhook_secret, path: "alerts.webhook_secret", required: false, data: false, effect: "alerts are not sent: shown on the inspector only" });
  }
  refs.push({
    name: cfg.admin.token_secret,
    path: "admin.token_secret",
    required: false,
    data: false,
    effect: cfg.admin.access ? "admin endpoints and the inspector accept Cloudflare Access only" : "admin endpoints and the inspector accept no bearer token",
  });
  return refs;
}

/** The refs whose secret `has` says is missing. */
export function missingSecrets(cfg: Config, has: (name: string) => boolean): SecretRef[] {
  return secretRefs(cfg).filter((r) => !has(r.name));
}
