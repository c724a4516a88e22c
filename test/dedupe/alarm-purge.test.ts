import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { Deduper } from "../../src/dedupe/Deduper.ts";
import { testEnv } from "../helpers/worker.ts";

const HOUR = 3_600_000;
const claim = (token: string, key: string, ttl_ms = 48 * HOUR) => ({ token, keys: [{ key, ttl_ms }], signed: false, holdMs: 0 });

it("purges keys whose window ended when its alarm runs, keeps live ones, and schedules the next purge", async () => {
  const stub = testEnv.DEDUPER.get(testEnv.DEDUPER.idFromName(`alarm-${crypto.randomUUID()}`));
  const longAgo = Date.now() - 49 * HOUR;
  await runInDurableObject(stub, async (d: Deduper) => {
    // Claimed 49 h ago with a 48 h window: expired now.
    await d.claim([claim("old", "id:old")], longAgo);
    await d.claim([claim("new", "id:new")], Date.now());
    expect(d.size()).toBe(2);
  });
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  await runInDurableObject(stub, async (d: Deduper, state) => {
    expect(d.size()).toBe(1);
    expect(await d.claim([claim("again", "id:old", HOUR)], Date.now())).toMatchObject([{ verdict: "admitted" }]);
    expect(await d.claim([claim("dup", "id:new", HOUR)], Date.now())).toMatchObject([{ verdict: "duplicate", by: "new" }]);
    expect(await state.storage.getAlarm()).not.toBeNull();
  });
});
