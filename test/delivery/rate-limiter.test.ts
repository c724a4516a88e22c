import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { RateLimiter } from "../../src/delivery/RateLimiter.ts";
import type { Env } from "../../src/env.ts";

it("lets 190 HubSpot requests through in one 10 s window, from any isolate, and makes the 191st wait", async () => {
  const ns = (env as unknown as Env).RATE_LIMITER;
  const limit = { requests: 190, perSeconds: 10 };
  const name = `hubspot-${crypto.randomUUID()}`;
  // Every isolate naming the destination reaches the same object, so the bucket is shared.
  expect(ns.idFromName(name).equals(ns.idFromName(name))).toBe(true);
  await runInDurableObject(ns.get(ns.idFromName(name)), (limiter: RateLimiter) => {
    // One synchronous run: the clock does not move between calls, so no token refills meanwhile (no timing).
    const waits = Array.from({ length: 190 }, () => limiter.reserve(name, limit));
    expect(waits.every((w) => w === 0)).toBe(true);
    const wait = limiter.reserve(name, limit);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(Math.ceil(10_000 / 190) + 1);
  });
});
