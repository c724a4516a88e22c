/** The Worker's bindings. Secrets named in the config are read from here by name. */
import type { DebugLog } from "./debug/DebugLog.ts";
import type { Deduper } from "./dedupe/Deduper.ts";
import type { DeadLetters } from "./delivery/DeadLetters.ts";
import type { QueueMessage } from "./queue/messages.ts";
import type { Stats } from "./stats/Stats.ts";
import type { RateLimiter } from "./delivery/RateLimiter.ts";
import type { Ledger } from "./ledger/Ledger.ts";

export interface Env {
  TAGWIRE_CONFIG: unknown;
  DEBUG_LOG: DurableObjectNamespace<DebugLog>;
  DEDUPER: DurableObjectNamespace<Deduper>;
  DEAD_LETTERS: DurableObjectNamespace<DeadLetters>;
  /** Per-day counters per event and destination (src/stats). */
  STATS: DurableObjectNamespace<Stats>;
  /** Global pacing of destinations with a rate limit (HubSpot). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** The delivery ledger: every event × destination outcome, one object per day and hash (src/ledger). */
  LEDGER: DurableObjectNamespace<Ledger>;
  /** Producer of the durable delivery queue (its consumer is this Worker's queue handler). */
  DELIVERY_QUEUE: Queue<QueueMessage>;
  [secret: string]: unknown;
}

export function secretFrom(env: Env): (name: string) => string | undefined {
  return (name) => {
    const v = env[name];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
}
