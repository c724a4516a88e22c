/** Payload fidelity found by trying: item shapes, the UK's alias, server-side Meta ids, CRM-style region. */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { lineItemsOf } from "../../src/destinations/adFields.ts";
import { sha256Hex } from "../../src/identity/hash.ts";
import { runPipeline } from "../../src/pipeline/index.ts";
import { testConfig } from "../support/testConfig.ts";
import { purchaseEvent } from "../contracts/fixture.ts";
import { CONTRACTS } from "../contracts/index.ts";
import { runContract } from "../contracts/run.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const cfg = () => {
  const c = testConfig("http://127.0.0.1:9") as Record<string, any>;
  c.destinations.meta = { type: "meta", pixel_id: "1234567890123456", access_token: "META_TOKEN" };
  return Config.parse(c);
};

function server(items: unknown[], headers: Record<string, string> = {}) {
  return runPipeline({
    cfg: cfg(),
    items,
    batch: items.length > 1,
    source: "server",
    request: new Request("https://t.shop.example.com/k7q/s2s", { method: "POST", headers }),
    now: NOW,
  });
}

describe("line items", () => {
  it("reads GA4's item_id/item_name/item_category and Segment's product_id/sku/name", () => {
    const e = purchaseEvent({
      properties: {
        items: [
          { item_id: "SKU_GA4", item_name: "Trail shoe", item_category: "Shoes", item_brand: "Acme", price: 10, quantity: 2 },
          { product_id: "P_SEG", sku: "SKU_SEG", name: "Sock", category: "Socks", price: 3 },
          { sku: "ONLY_SKU" },
        ],
      },
    });
    expect(lineItemsOf(e)).toEqual([
      { id: "SKU_GA4", name: "Trail shoe", category: "Shoes", brand: "Acme", price: 10, quantity: 2 },
      { id: "P_SEG", name: "Sock", category: "Socks", price: 3, quantity: 1 },
      { id: "ONLY_SKU", quantity: 1 },
    ]);
  });

  it("carries a GA4-shaped purchase's line items to every destination that takes items", async () => {
    const e = purchaseEvent({ properties: { order_id: "ord_1", value: 10, currency: "USD", items: [{ item_id: "SKU_GA4_ONLY", quantity: 1, price: 10 }] } });
    for (const type of ["meta", "ga4", "tiktok", "pinterest", "snapchat", "reddit", "segment"]) {
      const mod = CONTRACTS.find((m) => m.type === type)!;
      const { requests } = await runContract(mod, [e]);
      expect(requests.map((r) => r.body ?? "").join(), type).toContain("SKU_GA4_ONLY");
    }
  });
});

describe("server events", () => {
  it("never invent an fbp: two server events of one visitor carry none", () => {
    const r = server([
      { name: "lead_submitted", properties: { lead_id: "l1" }, anonymous_id: "a1" },
      { name: "lead_submitted", properties: { lead_id: "l2" }, anonymous_id: "a1" },
    ]);
    expect(r.events).toHaveLength(2);
    for (const e of r.events) expect(e.click_ids.fbp).toBeUndefined();
    expect(r.setCookies).toEqual([]);
  });

  it("turn an fbclid in click_ids into Meta's fbc and keep a given fbp in Meta's format", () => {
    const t = "2026-06-01T11:00:00.000Z";
    const r = server([{ name: "lead_submitted", time: t, properties: { lead_id: "l1" }, click_ids: { fbclid: "IwAR_abc", fbp: "fb.1.1780000000000.1234567890" } }]);
    expect(r.events[0]!.click_ids).toMatchObject({ fbclid: "IwAR_abc", fbc: `fb.1.${Date.parse(t)}.IwAR_abc`, fbp: "fb.1.1780000000000.1234567890" });
  });

  it("drop fbc and fbp values that are not in Meta's format", () => {
    const r = server([{ name: "lead_submitted", properties: { lead_id: "l1" }, click_ids: { fbc: "not-a-cookie", fbp: "fb.1.x.<script>" } }]);
    expect(r.events[0]!.click_ids.fbc).toBeUndefined();
    expect(r.events[0]!.click_ids.fbp).toBeUndefined();
  });

  it("accept traits.region as the state, as CRMs name it", () => {
    const r = server([{ name: "lead_submitted", properties: { lead_id: "l1" }, traits: { email: "a@example.com", region: "California" } }]);
    expect(r.rejected).toEqual([]);
    expect(r.events[0]!.user).toEqual({ email: "a@example.com", state: "California" });
    const both = server([{ name: "lead_submitted", properties: { lead_id: "l1" }, traits: { state: "CA", region: "California" } }]);
    expect(both.events[0]!.user.state).toBe("CA");
  });
});

describe("country", () => {
  it("sends uk as GB's hash to Meta", async () => {
    const meta = CONTRACTS.find((m) => m.type === "meta")!;
    const { requests } = await runContract(meta, [purchaseEvent({ user: { country: "uk" } })]);
    const body = JSON.parse(requests[0]!.body!);
    expect(JSON.stringify(body.data[0].user_data.country)).toContain(await sha256Hex("gb"));
    expect(JSON.stringify(body.data[0].user_data.country)).not.toContain(await sha256Hex("uk"));
  });
});
