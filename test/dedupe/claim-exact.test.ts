import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { Deduper } from "../../src/dedupe/Deduper.ts";
import { testEnv } from "../helpers/worker.ts";

const HOUR = 3_600_000;

it("refuses a claim on a key another token holds, and inserts none of that claim's keys", async () => {
  const stub = testEnv.DEDUPER.get(testEnv.DEDUPER.idFromName(`claim-${crypto.randomUUID()}`));
  await runInDurableObject(stub, async (d: Deduper) => {
    const now = Date.now();
    expect(await d.claim([{ token: "a", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now)).toEqual([]);
    const refused = await d.claim([{ token: "b", keys: [{ key: "bk:x", ttl_ms: HOUR }, { key: "id:1", ttl_ms: HOUR }] }], now);
    expect(refused).toEqual(["b"]);
    expect(d.size()).toBe(1);
    // bk:x was not kept by the refused claim, so another event may take it.
    expect(await d.claim([{ token: "c", keys: [{ key: "bk:x", ttl_ms: HOUR }] }], now)).toEqual([]);
  });
});
