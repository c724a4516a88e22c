/** The Worker's bindings. Secrets named in the config are read from here by name. */
import type { DebugLog } from "./debug/DebugLog.ts";

export interface Env {
  TAGWIRE_CONFIG: unknown;
  DEBUG_LOG: DurableObjectNamespace<DebugLog>;
  [secret: string]: unknown;
}

export function secretFrom(env: Env): (name: string) => string | undefined {
  return (name) => {
    const v = env[name];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
}
