/**
 * Backfill: sends one destination the archived events it missed (a destination added after they were
 * accepted). Reads the archive objects of a range of hours, keeps the events still inside the destination's
 * freshness window, and queues them as `deliver` messages for that destination only: the normal delivery path,
 * so they are paced by its rate limit, retried, dead-lettered and recorded in the ledger like any delivery.
 * Dedupe is skipped, as for dead-letter replays: these events were admitted once already.
 */
import type { Config } from "../config/schema.ts";
import { deadlineOf } from "../delivery/consume.ts";
import type { Env } from "../env.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { pack, sendAll, type DeliverMessage } from "../queue/messages.ts";
import { openLine } from "./lines.ts";
import { archiveOf, listRange, readObject } from "./store.ts";

/** Objects one call reads; the answer's `next` resumes after the last one. */
export const OBJECTS_PER_CALL = 200;

export interface BackfillRequest {
  destination: string;
  from: number;
  to: number;
  after?: string;
}

export interface BackfillReport {
  destination: string;
  objects: number;
  events: number;
  enqueued: number;
  outside_window: number;
  unreadable: number;
  /** Pass as `after` to continue; null when the range is done. */
  next: string | null;
}

export async function backfill(cfg: Config, env: Env, r: BackfillRequest, now: number): Promise<BackfillReport | { off: string }> {
  const a = await archiveOf(cfg, env);
  if ("off" in a) return a;
  const { keys, more } = await listRange(a.bucket, r.from, r.to, r.after, OBJECTS_PER_CALL);
  const seen = new Set<string>();
  const due: CanonicalEvent[] = [];
  let events = 0;
  let outside = 0;
  let unreadable = 0;
  for (let i = 0; i < keys.length; i += 20) {
    const objects = await Promise.all(keys.slice(i, i + 20).map((k) => readObject(a.bucket, k)));
    for (const lines of objects) {
      for (const l of lines) {
        // A redelivered batch may have written its events under a second object: each goes once.
        if (l.t < r.from || l.t >= r.to || seen.has(l.id)) continue;
        seen.add(l.id);
        events++;
        const e = await openLine(l, a.keys.all);
        if (!e) unreadable++;
        else if (now > deadlineOf(cfg, r.destination, { event: e })) outside++;
        else due.push(e);
      }
    }
  }
  const make = (slice: CanonicalEvent[]): DeliverMessage => ({ v: 2, kind: "deliver", events: slice, destinations: [r.destination], attempt: 0 });
  await sendAll(env.DELIVERY_QUEUE, pack(due, make).map((body) => ({ body })));
  return { destination: r.destination, objects: keys.length, events, enqueued: due.length, outside_window: outside, unreadable, next: more };
}
