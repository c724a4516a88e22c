/**
 * Where accepted canonical events go once the pipeline is done. Today: direct delivery after the response.
 * Returns when the events are handed off; a throw means they were not and the client must retry.
 */
import type { Config } from "../config/schema.ts";
import { debugLog } from "../debug/record.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import { deliverDirect } from "./direct.ts";

export async function handOff(cfg: Config, env: Env, exec: ExecutionContext, events: CanonicalEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (cfg.debug) exec.waitUntil(debugLog(env).add("event", events));
  exec.waitUntil(deliverDirect(cfg, env, events));
}
