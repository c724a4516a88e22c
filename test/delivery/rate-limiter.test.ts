import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { Env } from "../../src/env.ts";

it("lets 190 HubSpot requests through in one 10 s window, from any isolate, and makes the 191st wait", async () => {
  const ns = (env as unknown as Env).RATE_LIMITER;
  const limit = { requests: 190, perSeconds: 10 };
  const stub = ns.get(ns.idFromName("hubspot-test"));
  const waits = await Promise.all(Array.from({ length: 190 }, () => stub.reserve("hubspot-test", limit)));
  expect(waits.every((w) => w === 0)).toBe(true);
  // Another stub for the same name is the same object: the bucket is shared.
  const again = ns.get(ns.idFromName("hubspot-test"));
  const wait = await again.reserve("hubspot-test", limit);
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(Math.ceil(10_000 / 190) + 1);
}, 30_000);
