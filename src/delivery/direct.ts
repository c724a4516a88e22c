/**
 * The direct hand-off: sends each accepted event to every destination right after the response, within the
 * request's waitUntil. Not durable; the queue-backed sink replaces it where durability matters.
 */
import type { Config } from "../config/schema.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { secretFrom, type Env } from "../env.ts";
import { deliver, type RecordedRequest } from "./deliver.ts";
import { debugLog } from "../debug/record.ts";

export async function deliverDirect(cfg: Config, env: Env, events: CanonicalEvent[]): Promise<void> {
  const recorded: RecordedRequest[] = [];
  const deps = {
    cfg,
    secret: secretFrom(env),
    fetch: (r: Request) => fetch(r),
    now: () => Date.now(),
    record: (r: RecordedRequest) => void recorded.push(r),
  };
  await Promise.all(Object.keys(cfg.destinations).map((id) => deliver(id, events, deps)));
  if (cfg.debug && recorded.length) await debugLog(env).add("request", recorded);
}
