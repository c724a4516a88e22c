import { expect, it } from "vitest";
import { purchase, send } from "../helpers/worker.ts";
import { ledgerConfig, todayCounts } from "./helpers.ts";

it("records only conversions when ledger.events = conversions: a page view writes no ledger row, a purchase does", async () => {
  const t = ledgerConfig((c) => (c.ledger = { events: "conversions" }));
  const tag = crypto.randomUUID();
  await send({ name: "page_viewed", event_id: `evt_pv_${tag}`, page: { url: `https://shop.example.com/${tag}` } }, { config: t.config });
  await send(purchase({ event_id: `evt_buy_${tag}`, properties: { order_id: `ord_${tag}`, value: 10, currency: "USD" } }), { config: t.config });
  const day = await todayCounts(t.config);
  expect(day.events.purchase_completed?.destinations[t.live]?.accepted).toBeGreaterThanOrEqual(1);
  expect(day.events.page_viewed?.destinations[t.live]).toBeUndefined();
});
