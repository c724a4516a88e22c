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
  const k = await dedupeKeys(cfg, event({}));
  expect(k.keys.map((x) => [x.key, x.ttl_ms])).toEqual([
    ["id:e1", 48 * HOUR],
    ["bk:purchase_completed:o1", 168 * HOUR],
  ]);
  expect([k.doubleFire!.key.split(":").slice(0, 3).join(":"), k.doubleFire!.ttl_ms]).toEqual(["df:a1:purchase_completed", 2_000]);
});

it("dedupes conversions exactly in the shard of their business key, and other events cheaply", async () => {
  const raw = configCopy();
  raw.dedupe = { merge_seconds: 20, shards: 16 };
  raw.plan.events.lead_submitted.conversion = true;
  const cfg = Config.parse(raw);
  const purchase = await dedupeKeys(cfg, event({}));
  expect(purchase).toMatchObject({ exact: true, shard: shardOf("bk:purchase_completed:o1", 16), mergeMs: 20_000 });
  const lead = await dedupeKeys(cfg, event({ event_id: "e9", name: "lead_submitted", properties: {} }));
  expect(lead).toMatchObject({ exact: true, shard: shardOf("id:e9", 16) });
  const view = await dedupeKeys(cfg, event({ name: "page_viewed", properties: {} }));
  expect(view).toMatchObject({ exact: false, mergeMs: 0 });
  const all = Config.parse({ ...raw, dedupe: { exact: "all" } });
  expect((await dedupeKeys(all, event({ name: "page_viewed", properties: {} }))).exact).toBe(true);
});

it("fingerprints properties regardless of key order, and leaves out the double-fire key without a visitor", async () => {
  const cfg = Config.parse(configCopy());
  const a = await dedupeKeys(cfg, event({ name: "lead_submitted", properties: { x: 1, y: [1, { b: 2, a: 1 }] } }));
  const b = await dedupeKeys(cfg, event({ name: "lead_submitted", properties: { y: [1, { a: 1, b: 2 }], x: 1 } }));
  expect(a.doubleFire!.key).toBe(b.doubleFire!.key);
  expect(stableJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  expect((await dedupeKeys(cfg, event({ name: "lead_submitted", anonymous_id: null }))).doubleFire).toBeNull();
});

it("spreads keys over every shard", () => {
  const hit = new Set(Array.from({ length: 2_000 }, (_, i) => shardOf(`id:evt_${i}`, 16)));
  expect(hit.size).toBe(16);
});

it("gives two page views of different URLs different double-fire keys, and the same URL the same key", async () => {
  const cfg = Config.parse(configCopy());
  const view = (url: string) => event({ name: "page_viewed", properties: {}, page: { url, path: null, title: null, referrer: null } });
  const [a, b, c] = await Promise.all([view("https://s.example/a"), view("https://s.example/b"), view("https://s.example/a")].map((e) => dedupeKeys(cfg, e)));
  expect(a!.doubleFire!.key).not.toBe(b!.doubleFire!.key);
  expect(a!.doubleFire!.key).toBe(c!.doubleFire!.key);
});
