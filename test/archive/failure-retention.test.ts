/** The archive never holds up delivery, and hours past retention are purged (docs/archive.md). */
import { expect, it } from "vitest";
import { purgeArchive } from "../../src/archive/store.ts";
import { hourPrefix } from "../../src/archive/lines.ts";
import { queueFor } from "../helpers/queue.ts";
import { doubleRequests, send, testEnv } from "../helpers/worker.ts";
import { ledgerConfig } from "../ledger/helpers.ts";

const DAY = 86_400_000;

it("delivers and acks the batch when the archive write fails (logged, not retried)", async () => {
  const t = ledgerConfig();
  const failing = {
    put: async () => {
      throw new Error("R2 is down");
    },
    list: async () => ({ objects: [], truncated: false, delimitedPrefixes: [] }),
  };
  const q = queueFor(t.config, { ...testEnv, ARCHIVE: failing as unknown as R2Bucket });
  const results: Awaited<ReturnType<typeof q.run>>[] = [];
  const run = q.run.bind(q);
  q.run = async (list, attempts) => {
    const r = await run(list, attempts);
    results.push(r);
    return r;
  };
  const id = `evt_${crypto.randomUUID()}`;
  expect((await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l_1" } }, { config: t.config, extraEnv: { DELIVERY_QUEUE: q, ARCHIVE: failing } })).status).toBe(202);
  expect((await doubleRequests(t.bucket)).map((r) => r.body).join()).toContain(id);
  // The batch was acked, not retried: its events are not sent again for a backup copy.
  expect(results.map((r) => [r.ackAll, r.retryBatch.retry])).toEqual([[true, false]]);
  expect(q.delayed).toEqual([]);
});

it("purges objects of hours older than the retention, keeps the others", async () => {
  const now = Date.now();
  const old = `${hourPrefix(now - 400 * DAY)}purge-test.jsonl.gz`;
  const kept = `${hourPrefix(now - 10 * DAY)}purge-test.jsonl.gz`;
  await testEnv.ARCHIVE!.put(old, new Uint8Array([1]));
  await testEnv.ARCHIVE!.put(kept, new Uint8Array([1]));
  expect(await purgeArchive(testEnv.ARCHIVE!, 90, now)).toBeGreaterThanOrEqual(1);
  expect(await testEnv.ARCHIVE!.head(old)).toBeNull();
  expect(await testEnv.ARCHIVE!.head(kept)).not.toBeNull();
  await testEnv.ARCHIVE!.delete(kept);
});
