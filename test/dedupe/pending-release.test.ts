import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { PENDING_MS, type Deduper } from "../../src/dedupe/Deduper.ts";
import { testEnv } from "../helpers/worker.ts";

const HOUR = 3_600_000;
const stub = () => testEnv.DEDUPER.get(testEnv.DEDUPER.idFromName(`pending-${crypto.randomUUID()}`));

it("frees a released pending claim at once so the client's retry is not a duplicate", async () => {
  await runInDurableObject(stub(), async (d: Deduper) => {
    const now = Date.now();
    await d.claim([{ token: "a", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now);
    d.release(["a"]);
    expect(await d.claim([{ token: "b", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now)).toEqual([]);
  });
});

it("lets a pending claim that was never confirmed lapse after the pending minute", async () => {
  await runInDurableObject(stub(), async (d: Deduper) => {
    const now = Date.now();
    await d.claim([{ token: "a", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now);
    expect(await d.claim([{ token: "b", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now + PENDING_MS - 1)).toEqual(["b"]);
    expect(await d.claim([{ token: "c", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now + PENDING_MS)).toEqual([]);
  });
});

it("keeps a confirmed key for its full window, not just the pending minute", async () => {
  await runInDurableObject(stub(), async (d: Deduper) => {
    const now = Date.now();
    await d.claim([{ token: "a", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now);
    d.confirm(["a"], now);
    d.release(["a"]);
    expect(await d.claim([{ token: "b", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now + HOUR - 1)).toEqual(["b"]);
    expect(await d.claim([{ token: "c", keys: [{ key: "id:1", ttl_ms: HOUR }] }], now + HOUR)).toEqual([]);
  });
});
