import { expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { dedupeKeys, shardOf, stableJson } from "../../src/dedupe/keys.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";
import { configCopy } from "../helpers/worker.ts";

const HOUR = 3_600_000;
const event = (over: Partial<CanonicalEvent>) => ({ event_id: "e1", name: "purchase_completed", anonymous_id: "a1", properties: { order_id: "o1", value: 5 }, page: { url: null, path: null, title: null, referrer: null }, value: null, user_id: null, ...over }) as CanonicalEvent;

it("gives a purchase its event_id, its order_id business key with the event's own window, and a double-fire key", async () => {
  const raw = configCopy();
  raw.plan.events.purchase_completed.dedupe = { key: "order_id", window_hours: 168 };
  const cfg = Config.parse(raw);
  const keys = await dedupeKeys(cfg, event({}));
  expect(keys.map((k) => [k.key.split(":").slice(0, 3).join(":"), k.ttl_ms])).toEqual([
    ["id:e1", 48 * HOUR],
    ["bk:purchase_completed:o1", 168 * HOUR],
    ["df:a1:purchase_completed", 2_000],
  ]);
});

it("fingerprints properties regardless of key order, and leaves out the double-fire key without a visitor", async () => {
  const cfg = Config.parse(configCopy());
  const a = await dedupeKeys(cfg, event({ name: "lead_submitted", properties: { x: 1, y: [1, { b: 2, a: 1 }] } }));
  const b = await dedupeKeys(cfg, event({ name: "lead_submitted", properties: { y: [1, { a: 1, b: 2 }], x: 1 } }));
  expect(a[1]!.key).toBe(b[1]!.key);
  expect(stableJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  expect(await dedupeKeys(cfg, event({ name: "lead_submitted", anonymous_id: null }))).toHaveLength(1);
});

it("spreads keys over every shard", () => {
  const hit = new Set(Array.from({ length: 2_000 }, (_, i) => shardOf(`id:evt_${i}`, 16)));
  expect(hit.size).toBe(16);
});

it("gives two page views of different URLs different double-fire keys, and the same URL the same key", async () => {
  const cfg = Config.parse(configCopy());
  const view = (url: string) => event({ name: "page_viewed", properties: {}, page: { url, path: null, title: null, referrer: null } });
  const [a, b, c] = await Promise.all([view("https://s.example/a"), view("https://s.example/b"), view("https://s.example/a")].map((e) => dedupeKeys(cfg, e)));
  expect(a!.at(-1)!.key).not.toBe(b!.at(-1)!.key);
  expect(a!.at(-1)!.key).toBe(c!.at(-1)!.key);
});
