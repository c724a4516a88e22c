import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { Deduper } from "../../src/dedupe/Deduper.ts";
import { testEnv } from "../helpers/worker.ts";

const HOUR = 3_600_000;

it("purges keys whose window ended when its alarm runs, keeps live ones, and schedules the next purge", async () => {
  const stub = testEnv.DEDUPER.get(testEnv.DEDUPER.idFromName(`alarm-${crypto.randomUUID()}`));
  const longAgo = Date.now() - 49 * HOUR;
  await runInDurableObject(stub, async (d: Deduper) => {
    // Claimed and confirmed 49 h ago with a 48 h window: expired now.
    await d.claim([{ token: "old", keys: [{ key: "id:old", ttl_ms: 48 * HOUR }] }], longAgo);
    d.confirm(["old"], longAgo);
    await d.claim([{ token: "new", keys: [{ key: "id:new", ttl_ms: 48 * HOUR }] }], Date.now());
    d.confirm(["new"], Date.now());
    expect(d.size()).toBe(2);
  });
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  await runInDurableObject(stub, async (d: Deduper, state) => {
    expect(d.size()).toBe(1);
    expect(await d.claim([{ token: "again", keys: [{ key: "id:old", ttl_ms: HOUR }] }], Date.now())).toEqual([]);
    expect(await d.claim([{ token: "dup", keys: [{ key: "id:new", ttl_ms: HOUR }] }], Date.now())).toEqual(["dup"]);
    expect(await state.storage.getAlarm()).not.toBeNull();
  });
});
