/** Forged amounts: values finite and under a ceiling, ISO 4217 currencies, bounded quantities and prices. */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { eligibility } from "../../src/destinations/eligibility.ts";
import { definitionOf } from "../../src/destinations/registry.ts";
import { bucket, configWithHook, doubleRequests, send } from "../helpers/worker.ts";
import { CONTRACTS } from "../contracts/index.ts";
import { contractConfig, runContract } from "../contracts/run.ts";
import { purchaseEvent } from "../contracts/fixture.ts";

let n = 0;
const buy = (props: Record<string, unknown>) => ({
  name: "purchase_completed",
  event_id: `val_evt_${Date.now()}_${++n}`,
  properties: { order_id: `o_${n}`, value: 10, currency: "USD", ...props },
});

async function run(body: Record<string, unknown>, patch?: (c: Record<string, any>) => void) {
  const b = bucket();
  const res = await send(body, { config: configWithHook(b, patch) });
  const sent = (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events);
  return { status: res.status, body: (await res.json()) as any, sent };
}

describe("conversion values", () => {
  it("rejects the largest double as a value, naming the property, and forwards nothing", async () => {
    const r = await run(buy({ value: 1.7976931348623157e308 }));
    expect(r.status).toBe(400);
    expect(r.body.details).toContainEqual({ path: "properties.value", message: "exceeds the value ceiling of 1000000 (plan.max_value)" });
    expect(r.sent).toEqual([]);
  });

  it("takes a per-event ceiling from the plan", async () => {
    const patch = (c: Record<string, any>) => (c.plan.events.purchase_completed.max_value = 500);
    expect((await run(buy({ value: 501 }), patch)).status).toBe(400);
    expect((await run(buy({ value: 499 }), patch)).status).toBe(202);
  });

  it("flags instead when the plan says so: the event reaches the webhook marked, never an ad network", async () => {
    const r = await run(buy({ value: 2_000_000 }), (c) => (c.plan.over_max_value = "flag"));
    expect(r.status).toBe(202);
    expect(r.sent[0].violations).toContainEqual(expect.objectContaining({ rule: "value_ceiling", path: "properties.value" }));
    for (const mod of CONTRACTS.filter((m) => definitionOf(m.type).adNetwork)) {
      const { requests, results } = await runContract(mod, [purchaseEvent({ value: 2_000_000, violations: [{ rule: "value_ceiling", path: "properties.value", message: "over" }] })]);
      expect(requests, mod.type).toHaveLength(0);
      expect(results[0]).toMatchObject({ kind: "skipped" });
    }
  });

  it("refuses a currency that is not ISO 4217 and reads a lowercase code as the code", async () => {
    const bad = await run(buy({ currency: "XYZ" }), (c) => delete c.plan.events.purchase_completed.properties.currency);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ path: "properties.currency" });
    const ok = await run(buy({ currency: "eur" }), (c) => delete c.plan.events.purchase_completed.properties.currency);
    expect(ok.sent[0].currency).toBe("EUR");
  });

  it("bounds item quantities and prices", async () => {
    const r = await run(buy({ items: [{ id: "a", quantity: 1e9, price: 1 }, { id: "b", quantity: 1, price: 5e6 }, { id: "c", quantity: 0.5 }] }));
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { path: string }) => d.path)).toEqual(["properties.items[0].quantity", "properties.items[1].price", "properties.items[2].quantity"]);
  });

  it("refuses a config whose currency is not ISO 4217", () => {
    const c = contractConfig(CONTRACTS[0]!) as unknown as Record<string, any>;
    expect(Config.safeParse({ ...c, plan: { ...c.plan, default_currency: "ABC" } }).success).toBe(false);
  });
});

describe("flagged events", () => {
  const unknown = purchaseEvent({ name: "made_up_thing", violations: [{ rule: "unknown_event", path: "name", message: "not in the plan" }] });

  it("are kept from ad networks by default, and sent when the plan allows", () => {
    const mod = CONTRACTS.find((m) => m.type === "meta")!;
    const cfg = contractConfig(mod, { plan: { made_up_thing: "Purchase" } });
    const dest = cfg.destinations.dest!;
    expect(eligibility(cfg, "dest", dest, definitionOf("meta"), unknown)).toMatchObject({ ok: false, reason: expect.stringContaining("flagged") });
    const allowed = { ...cfg, plan: { ...cfg.plan, flagged_to_ad_networks: true } };
    expect(eligibility(allowed, "dest", dest, definitionOf("meta"), unknown)).toMatchObject({ ok: true });
  });

  it("still reach analytics and webhooks", () => {
    const mod = CONTRACTS.find((m) => m.type === "webhook")!;
    const cfg = contractConfig(mod);
    expect(eligibility(cfg, "dest", cfg.destinations.dest!, definitionOf("webhook"), unknown)).toMatchObject({ ok: true });
  });
});
