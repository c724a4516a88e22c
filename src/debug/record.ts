/** The one DebugLog object of this Worker. */
import type { Env } from "../env.ts";
import { objectIn } from "../objects/locate.ts";

export function debugLog(env: Env) {
  return objectIn(env, "DEBUG_LOG", "debug");
}
