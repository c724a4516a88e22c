/**
 * When to try a destination again: exponential backoff with jitter (half fixed, half random, so retries after
 * an outage spread out instead of arriving together), never sooner than the vendor's Retry-After.
 */

const BASE_SECONDS = 10;
/** Queues accept delays up to 12 h. */
export const MAX_DELAY_SECONDS = 43_200;
const CAP_SECONDS = 3_600;

export function backoffSeconds(attempt: number, retryAfter: number | undefined, random: () => number = Math.random): number {
  const exp = Math.min(CAP_SECONDS, BASE_SECONDS * 2 ** Math.min(attempt, 20));
  const jittered = Math.ceil(exp / 2 + random() * (exp / 2));
  return Math.min(MAX_DELAY_SECONDS, Math.max(jittered, retryAfter ?? 0));
}
