/** The Durable Object classes, exported by every environment's entry (src/index.ts, dev/worker.ts). */
export { DebugLog } from "./debug/DebugLog.ts";
export { Deduper } from "./dedupe/Deduper.ts";
export { DeadLetters } from "./delivery/DeadLetters.ts";
export { Stats } from "./stats/Stats.ts";
export { RateLimiter } from "./delivery/RateLimiter.ts";
export { Backlog } from "./delivery/Backlog.ts";
export { IdentityGraph } from "./identity/graph/IdentityGraph.ts";
export { Ledger } from "./ledger/Ledger.ts";
export { Alerts } from "./alerts/Alerts.ts";
