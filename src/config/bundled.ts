/**
 * Which config a Worker runs with: the TAGWIRE_CONFIG var when it is set (tests, small setups), otherwise the
 * config file its wrangler environment bundles. Either is parsed once per isolate (loadConfig caches it).
 * TAGWIRE_FORCE_DRY_RUN=1 runs either with every destination in dry_run (your production config, locally:
 * the inspector shows what production would send, and nothing is sent).
 */
import type { Env } from "../env.ts";
import { loadConfig, validatedConfig, type LoadedConfig } from "./load.ts";
import type { Config } from "./schema.ts";

/** A bundled config file: its path in the repo (for error messages) and its TOML text. */
export interface ConfigFile {
  name: string;
  text: string;
}

export interface ConfigOf {
  (env: Env): LoadedConfig;
  /** `env` with TAGWIRE_CONFIG filled in from the file, for code that reads it from env (the queue consumer). */
  env(env: Env): Env;
}

function varIsSet(env: Env): boolean {
  const v = env.TAGWIRE_CONFIG;
  return v !== undefined && v !== null && v !== "";
}

export function dryRunForced(env: Pick<Env, "TAGWIRE_FORCE_DRY_RUN">): boolean {
  const v = env.TAGWIRE_FORCE_DRY_RUN;
  return typeof v === "string" && /^(1|true|yes)$/i.test(v.trim());
}

const forcedConfigs = new WeakSet<Config>();
/** This config is a forced dry run (the 202 then lists plan violations, as with debug = true). */
export const isForcedDryRun = (config: Config): boolean => forcedConfigs.has(config);

/** The config with every destination in dry_run. */
function forcedDryRun(config: Config): Config {
  const destinations: Config["destinations"] = {};
  for (const [id, d] of Object.entries(config.destinations)) destinations[id] = { ...d, mode: "dry_run" };
  const out = { ...config, destinations };
  forcedConfigs.add(out);
  return out;
}

export function configFor(file: ConfigFile): ConfigOf {
  const plain = (env: Env) => (varIsSet(env) ? loadConfig(env.TAGWIRE_CONFIG) : loadConfig(file.text, file.name));
  // One forced copy per loaded config (loadConfig returns the same object while the input is the same).
  const forced = new WeakMap<Config, Config>();
  const of = (env: Env): LoadedConfig => {
    const loaded = plain(env);
    if (!loaded.ok || !dryRunForced(env)) return loaded;
    let f = forced.get(loaded.config);
    if (!f) forced.set(loaded.config, (f = validatedConfig(forcedDryRun(loaded.config))));
    return { ok: true, config: f };
  };
  of.env = (env: Env) => {
    if (dryRunForced(env)) {
      const loaded = of(env);
      // The consumer loads env.TAGWIRE_CONFIG itself: hand it the forced copy (passed through as validated).
      if (loaded.ok) return { ...env, TAGWIRE_CONFIG: loaded.config };
    }
    return varIsSet(env) ? env : { ...env, TAGWIRE_CONFIG: file.text };
  };
  return of;
}
