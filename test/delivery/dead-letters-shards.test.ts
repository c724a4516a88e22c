/**
 * Dead letters are spread over shards and listed across them; past the cap a full shard spills into the next,
 * and a full store refuses the write with DeadLettersFull (so the consumer keeps the events) without ever
 * deleting a stored one. The single object of earlier versions is still listed and replayed.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DeadLettersFull } from "../../src/delivery/deadLetterStore.ts";
import { testEnv } from "../helpers/worker.ts";
import { dead, rawRows, storeFor } from "./dead-letters-support.ts";

describe("dead-letter shards", () => {
  it("spreads writes over shards and lists them across shards, oldest first", async () => {
    const { name, store } = storeFor({ shards: 4 });
    const t = Date.now();
    for (let i = 0; i < 12; i++) await store.add([dead(i)], t + i);
    const perShard = await Promise.all(["0", "1", "2", "3"].map(async (s) => (await rawRows(name, s)).length));
    expect(perShard.reduce((a, b) => a + b)).toBe(12);
    expect(perShard.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect((await store.list({ limit: 1000 })).map((d) => d.event_id)).toEqual(Array.from({ length: 12 }, (_, i) => `evt_dead_${String(i).padStart(3, "0")}`));
    expect((await store.list({ limit: 5 })).map((d) => d.event_id)).toHaveLength(5);
  });

  it("spills into the next shard past the cap, then refuses with DeadLettersFull, deleting nothing", async () => {
    const { name, store } = storeFor({ shards: 2, max_rows_per_shard: 3 });
    await store.add([0, 1, 2, 3, 4].map((i) => dead(i)), Date.now());
    expect((await rawRows(name, "0")).length + (await rawRows(name, "1")).length).toBe(5);
    await expect(store.add([dead(5), dead(6)], Date.now())).rejects.toBeInstanceOf(DeadLettersFull);
    // Every earlier dead letter is still there (the one that fitted too); the refused one stays in the queue.
    const ids = (await store.list({ limit: 1000 })).map((d) => d.event_id);
    expect(ids).toEqual(expect.arrayContaining(["evt_dead_000", "evt_dead_001", "evt_dead_002", "evt_dead_003", "evt_dead_004"]));
    expect(ids).toHaveLength(6);
  });

  it("still lists and replays what the unsharded object of an earlier version holds", async () => {
    const { name, store } = storeFor({ shards: 2 });
    const legacy = testEnv.DEAD_LETTERS.get(testEnv.DEAD_LETTERS.idFromName(name));
    await runInDurableObject(legacy, (_d, state) => {
      // A row as the earlier version wrote it: event and body in clear columns, no payload.
      state.storage.sql.exec(
        "INSERT INTO dead (at, destination, event_id, reason, status, body, attempts, event) VALUES (?, 'crm', 'evt_old_1', 'drop', 400, 'old body', 1, ?)",
        Date.now() - 1000,
        JSON.stringify(dead(1).event),
      );
    });
    const [d] = await store.list({});
    expect(d).toMatchObject({ id: expect.stringMatching(/^legacy:/), event_id: "evt_old_1", body: "old body", encrypted: false });
    const taken = await store.takeForReplay({}, Date.now());
    expect(taken.map((t) => t.event?.event_id)).toEqual(["evt_dead_001"]);
  });
});
