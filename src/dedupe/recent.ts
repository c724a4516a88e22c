/**
 * Cheap dedupe for high-volume events (page views and other non-conversions): the keys this isolate's
 * consumer saw recently, bounded in memory. It catches copies within one consumer batch and across the
 * batches one isolate handles; copies handled by different isolates fall through to each vendor's own
 * event_id dedupe. Costs no Durable Object call and no row written.
 */
import { BoundedMap } from "../cache/BoundedMap.ts";
import type { KeyClaim } from "./keys.ts";

/** Keys remembered per isolate; the oldest go first. */
const CAPACITY = 50_000;

interface Seen {
  owner: string;
  signed: boolean;
  expires: number;
}

export class RecentKeys {
  private readonly seen: BoundedMap<string, Seen>;

  constructor(capacity = CAPACITY) {
    this.seen = new BoundedMap(capacity);
  }

  /**
   * Claims `keys` for `owner`: true when the event may go (no live key held by another owner, or only by
   * unsigned owners while this one is signed); the keys are then remembered as this owner's.
   */
  claim(keys: readonly KeyClaim[], owner: string, signed: boolean, now: number): boolean {
    let held = false;
    let outranks = signed;
    for (const k of keys) {
      const s = this.seen.get(k.key);
      if (!s || s.expires <= now || s.owner === owner) continue;
      held = true;
      if (s.signed) outranks = false;
    }
    if (held && !outranks) return false;
    // Written as the newest (a key claimed again moves to the end), then the oldest go.
    for (const k of keys) this.seen.set(k.key, { owner, signed, expires: now + k.ttl_ms });
    this.seen.trim();
    return true;
  }
}

/** The consumer's memory in this isolate. */
export const recentKeys = new RecentKeys();
