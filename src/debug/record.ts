/** The one DebugLog object of this Worker. */
import type { Env } from "../env.ts";

export function debugLog(env: Env) {
  return env.DEBUG_LOG.get(env.DEBUG_LOG.idFromName("debug"));
}
