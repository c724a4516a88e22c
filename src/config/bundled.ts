/**
 * Which config a Worker runs with: the TAGWIRE_CONFIG var when it is set (tests, small setups), otherwise the
 * config file its wrangler environment bundles. Either is parsed once per isolate (loadConfig caches it).
 */
import type { Env } from "../env.ts";
import { loadConfig, type LoadedConfig } from "./load.ts";

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

export function configFor(file: ConfigFile): ConfigOf {
  const of = (env: Env) => (varIsSet(env) ? loadConfig(env.TAGWIRE_CONFIG) : loadConfig(file.text, file.name));
  of.env = (env: Env) => (varIsSet(env) ? env : { ...env, TAGWIRE_CONFIG: file.text });
  return of;
}
