import { expect, it } from "vitest";
import { dead, rawRows, storeFor } from "./dead-letters-support.ts";

it("stores a dead letter once per origin, destination and event however often it is added, and keeps every one without an origin", async () => {
  const { name, store } = storeFor({ shards: 1 });
  const fromDlq = [dead(1, { origin: "dlq-msg-1" }), dead(1, { origin: "dlq-msg-1", destination: "hook" }), dead(2, { origin: "dlq-msg-1" })];
  await store.add(fromDlq, 1_000);
  await store.add(fromDlq, 2_000);
  // Another message with the same event (a replay that failed again) is a dead letter of its own.
  await store.add([dead(1, { origin: "dlq-msg-2" })], 3_000);
  // Without an origin (the delivery consumer's own dead letters) nothing is refused.
  await store.add([dead(3), dead(3)], 4_000);
  const rows = await rawRows(name, "0");
  expect(rows.map((r) => [r.event_id, r.destination, r.origin])).toEqual([
    ["evt_dead_001", "crm", "dlq-msg-1"],
    ["evt_dead_001", "hook", "dlq-msg-1"],
    ["evt_dead_002", "crm", "dlq-msg-1"],
    ["evt_dead_001", "crm", "dlq-msg-2"],
    ["evt_dead_003", "crm", null],
    ["evt_dead_003", "crm", null],
  ]);
  expect(await store.list({ limit: 100 }, 5_000)).toHaveLength(6);
});
