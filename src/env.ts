/** The Worker's bindings. Secrets named in the config are read from here by name. */
import type { DebugLog } from "./debug/DebugLog.ts";
import type { Deduper } from "./dedupe/Deduper.ts";
import type { DeadLetters } from "./delivery/DeadLetters.ts";
import type { IdentityGraph } from "./identity/graph/IdentityGraph.ts";
import type { QueueMessage } from "./queue/messages.ts";
import type { Stats } from "./stats/Stats.ts";
import type { RateLimiter } from "./delivery/RateLimiter.ts";
import type { Backlog } from "./delivery/Backlog.ts";
import type { Ledger } from "./ledger/Ledger.ts";
import type { Alerts } from "./alerts/Alerts.ts";

export interface Env {
  TAGWIRE_CONFIG: unknown;
  DEBUG_LOG: DurableObjectNamespace<DebugLog>;
  DEDUPER: DurableObjectNamespace<Deduper>;
  DEAD_LETTERS: DurableObjectNamespace<DeadLetters>;
  /** Per-day counters per event and destination (src/stats). */
  STATS: DurableObjectNamespace<Stats>;
  /** Global pacing of destinations with a rate limit (HubSpot). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Per destination: its health and, while it is down, its parked events (src/delivery/Backlog.ts). */
  BACKLOG: DurableObjectNamespace<Backlog>;
  /** The identity graph's shards (src/identity/graph): persons, their identifiers and touches. */
  IDENTITY: DurableObjectNamespace<IdentityGraph>;
  /** The delivery ledger: every event × destination outcome, one object per day and hash (src/ledger). */
  LEDGER: DurableObjectNamespace<Ledger>;
  /** The alert state: one object, a row per destination × condition (src/alerts). */
  ALERTS: DurableObjectNamespace<Alerts>;
  /** "1" or "true": every destination runs in dry_run, whatever the config says (docs/operating.md). */
  TAGWIRE_FORCE_DRY_RUN?: string;
  /** The event archive (src/archive): accepted events per hour, encrypted, for backfills. Optional. */
  ARCHIVE?: R2Bucket;
  /** Producer of the durable delivery queue (its consumer is this Worker's queue handler). */
  DELIVERY_QUEUE: Queue<QueueMessage>;
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
