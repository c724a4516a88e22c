/**
 * One token bucket per rate-limited destination, shared by every isolate: the Durable Object is a single
 * instance per destination, so HubSpot's 190 requests per 10 s hold across the whole Worker, not per isolate.
 */
import { DurableObject } from "cloudflare:workers";
import { Pacer, type RateLimit } from "./pacing.ts";

export class RateLimiter extends DurableObject {
  private readonly pacer = new Pacer();

  /** Milliseconds the caller must wait before sending one request. */
  reserve(key: string, limit: RateLimit): number {
    return this.pacer.reserve(key, limit, Date.now());
  }
}
