import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { OutcomeRow } from "../../src/ledger/rows.ts";
import { testEnv } from "../helpers/worker.ts";

const day = new Date().toISOString().slice(0, 10);
const row = (over: Partial<OutcomeRow>): OutcomeRow => ({
  event_id: "evt_1",
  destination: "meta",
  day,
  at: Date.now(),
  name: "purchase_completed",
  source: "browser",
  reason: "retrying",
  detail: "",
  status: 503,
  excerpt: "",
  attempt: 1,
  next_at: null,
  updated_at: Date.now(),
  ...over,
});
const shard = () => testEnv.LEDGER.get(testEnv.LEDGER.idFromName(`test-${crypto.randomUUID()}`));
const reasons = async (s: ReturnType<typeof shard>) => (await s.counts()).filter((c) => c.destination !== "").map((c) => `${c.destination}:${c.reason}:${c.n}`);

it("never turns a delivered row back into retrying when a batch is redelivered", async () => {
  const s = shard();
  await s.record([], [row({ reason: "retrying", attempt: 1 })], day, 30);
  await s.record([], [row({ reason: "delivered", status: 200, attempt: 2 })], day, 30);
  await s.record([], [row({ reason: "retrying", attempt: 1 }), row({ reason: "retrying", attempt: 3 })], day, 30);
  expect(await reasons(s)).toEqual(["meta:delivered:1"]);
});

it("moves retrying forward only to a later attempt, and a replayed dead letter to delivered", async () => {
  const s = shard();
  await s.record([], [row({ attempt: 2 })], day, 30);
  await s.record([], [row({ attempt: 1, detail: "older" })], day, 30);
  const [listed] = await s.list({});
  expect(listed).toBeUndefined(); // no event row: outcomes alone are not listed
  await s.record([], [row({ reason: "dead_lettered", attempt: 3 })], day, 30);
  await s.record([], [row({ reason: "retrying", attempt: 9 })], day, 30);
  expect(await reasons(s)).toEqual(["meta:dead_lettered:1"]);
  await s.record([], [row({ reason: "delivered", attempt: 1 })], day, 30);
  expect(await reasons(s)).toEqual(["meta:delivered:1"]);
});

it("counts a row once however often it is written", async () => {
  const s = shard();
  const rows = [row({ destination: "meta", reason: "delivered" }), row({ destination: "ga4", reason: "consent_blocked", detail: "analytics" })];
  for (let i = 0; i < 3; i++) await s.record([], rows, day, 30);
  expect((await reasons(s)).sort()).toEqual(["ga4:consent_blocked:1", "meta:delivered:1"]);
});

it("deletes its day when the retention ends (the alarm is set at day + retention + 1)", async () => {
  const s = shard();
  await s.record([], [row({ reason: "delivered" })], day, 30);
  const alarm = await runInDurableObject(s, (_o, state) => state.storage.getAlarm());
  expect(alarm).toBe(Date.parse(`${day}T00:00:00Z`) + 31 * 86_400_000);
  expect(await runDurableObjectAlarm(s)).toBe(true);
  expect(await reasons(s)).toEqual([]);
});
