import { expect, it } from "vitest";
import { drainRetries, queueFor } from "../helpers/queue.ts";
import { purchase, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import { identity, ledgerConfig, todayCounts } from "./helpers.ts";

it("records only conversions when ledger.events = conversions: a page view writes no ledger row, a purchase does", async () => {
  const t = ledgerConfig((c) => (c.ledger = { events: "conversions" }));
  const tag = crypto.randomUUID();
  await send({ name: "page_viewed", event_id: `evt_pv_${tag}`, page: { url: `https://shop.example.com/${tag}` } }, { config: t.config });
  await send(purchase({ event_id: `evt_buy_${tag}`, properties: { order_id: `ord_${tag}`, value: 10, currency: "USD" } }), { config: t.config });
  const day = await todayCounts(t.config);
  expect(day.events.purchase_completed?.destinations[t.live]?.accepted).toBeGreaterThanOrEqual(1);
  expect(day.events.page_viewed?.destinations[t.live]).toBeUndefined();
});

it("with ledger.events = conversions, a purchase answered 503 then 200 reads delivered (a retry's batch has outcome rows only)", async () => {
  const t = ledgerConfig((c) => (c.ledger = { events: "conversions" }));
  await scriptDouble(t.bucket, [{ status: 503, body: '{"error":"down"}', times: 1 }]);
  const q = queueFor(t.config, testEnv);
  const tag = crypto.randomUUID();
  await send(purchase({ event_id: `evt_buy_${tag}`, time: new Date().toISOString(), properties: { order_id: `ord_${tag}`, value: 10, currency: "USD" } }), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
  expect(identity(await todayCounts(t.config), t.live)).toMatchObject({ accepted: 1, delivered: 0, pending: { retrying: 1 } });
  expect(await drainRetries(q)).toBe(1);
  const c = identity(await todayCounts(t.config), t.live);
  expect([c.accepted, c.delivered, c.pending]).toEqual([1, 1, {}]);
});
