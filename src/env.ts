/** The Worker's bindings. Secrets named in the config are read from here by name. */
import type { DebugLog } from "./debug/DebugLog.ts";
import type { Deduper } from "./dedupe/Deduper.ts";
import type { DeadLetters } from "./delivery/DeadLetters.ts";
import type { DeliveryMessage } from "./delivery/message.ts";
import type { Stats } from "./stats/Stats.ts";
import type { RateLimiter } from "./delivery/RateLimiter.ts";

export interface Env {
  TAGWIRE_CONFIG: unknown;
  DEBUG_LOG: DurableObjectNamespace<DebugLog>;
  DEDUPER: DurableObjectNamespace<Deduper>;
  DEAD_LETTERS: DurableObjectNamespace<DeadLetters>;
  /** Per-day counters per event and destination (src/stats). */
  STATS: DurableObjectNamespace<Stats>;
  /** Global pacing of destinations with a rate limit (HubSpot). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Producer of the durable delivery queue (its consumer is this Worker's queue handler). */
  DELIVERY_QUEUE: Queue<DeliveryMessage>;
  /** Per-client limits on the browser routes (src/http/rateLimit.ts); the config may name others. */
  RATE_LIMIT_BROWSER?: RateLimit;
  RATE_LIMIT_PIXEL?: RateLimit;
  RATE_LIMIT_CONVERSIONS?: RateLimit;
  [secret: string]: unknown;
}

export function secretFrom(env: Env): (name: string) => string | undefined {
  return (name) => {
    const v = env[name];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
}
