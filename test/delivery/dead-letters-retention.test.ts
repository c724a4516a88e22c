/** Dead letters are purged after dead_letters.retention_days by the shard's alarm; younger ones stay. */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { testEnv } from "../helpers/worker.ts";
import { dead, rawRows, storeFor } from "./dead-letters-support.ts";

const DAY = 86_400_000;

it("hides a dead letter past its retention at once, purges it at the alarm and schedules the next purge", async () => {
  const { name, store } = storeFor({ shards: 1, retention_days: 30 });
  await store.add([dead(1)], Date.now() - 31 * DAY);
  await store.add([dead(2)], Date.now() - 29 * DAY);
  expect(await rawRows(name, "0")).toHaveLength(2);
  expect((await store.list({})).map((d) => d.event_id)).toEqual(["evt_dead_002"]);

  const stub = testEnv.DEAD_LETTERS.get(testEnv.DEAD_LETTERS.idFromName(`${name}-0`));
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  expect((await rawRows(name, "0")).map((r) => r.event_id)).toEqual(["evt_dead_002"]);
  await runInDurableObject(stub, async (_d, state) => {
    // Next purge: when the remaining row turns 30 days old (about a day from now).
    const at = await state.storage.getAlarm();
    expect(at).toBeGreaterThan(Date.now() + 0.9 * DAY);
    expect(at).toBeLessThan(Date.now() + 1.1 * DAY);
  });
});

it("keeps the configured retention: 7 days", async () => {
  const { store } = storeFor({ shards: 1, retention_days: 7 });
  await store.add([dead(1)], Date.now() - 8 * DAY);
  await store.add([dead(2)], Date.now() - 6 * DAY);
  expect((await store.list({})).map((d) => d.event_id)).toEqual(["evt_dead_002"]);
});
