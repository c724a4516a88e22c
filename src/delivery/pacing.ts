/**
 * Paces requests to a destination that declares a rate limit (HubSpot: 190 per 10 s), with a token bucket per
 * destination. Callers reserve a slot and wait until it comes, so concurrent deliveries in one isolate queue
 * up instead of bursting. The bucket lives in the isolate: several isolates together can still exceed the
 * limit, and the vendor's 429 is then retried with backoff like any other.
 */

export interface RateLimit {
  requests: number;
  perSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class Pacer {
  private buckets = new Map<string, Bucket>();

  /** Takes one request slot and returns how many milliseconds to wait before sending (0 = now). */
  reserve(key: string, limit: RateLimit, now: number): number {
    const perMs = limit.requests / (limit.perSeconds * 1000);
    const b = this.buckets.get(key) ?? { tokens: limit.requests, at: now };
    b.tokens = Math.min(limit.requests, b.tokens + Math.max(0, now - b.at) * perMs) - 1;
    b.at = now;
    this.buckets.set(key, b);
    return b.tokens >= 0 ? 0 : Math.ceil(-b.tokens / perMs);
  }

  /** Gives a reserved slot back (the request was not sent after all). */
  release(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens += 1;
  }
}

/** The isolate's pacer, shared by every delivery in it. */
export const pacer = new Pacer();

/** Longer waits than this are not worth holding an invocation for: the request is retried later instead. */
export const MAX_PACE_WAIT_MS = 10_000;
