/** The tracking plan through the Worker: property rules, value rules, currency, unknown-event policies. */
import { describe, expect, it } from "vitest";
import { bucket, configWithHook, doubleRequests, send } from "../helpers/worker.ts";

let n = 0;
const id = () => `plan_evt_${Date.now()}_${++n}`;

async function run(body: Record<string, unknown>, patch?: (c: Record<string, any>) => void) {
  const b = bucket();
  const res = await send(body, { config: configWithHook(b, patch) });
  const sent = await doubleRequests(b);
  return { status: res.status, body: (await res.json()) as any, event: sent[0] ? JSON.parse(sent[0].body).events[0] : undefined };
}

describe("property rules", () => {
  it.each([
    ["a missing required property", { lead_id: undefined }, "properties.lead_id", "required by the tracking plan"],
    ["a wrong type", { lead_id: 5 }, "properties.lead_id", "expected string"],
    ["a number under min", { lead_id: "l", score: -1 }, "properties.score", "must be ≥ 0"],
    ["a number over max", { lead_id: "l", score: 101 }, "properties.score", "must be ≤ 100"],
  ])("rejects %s, naming the property and the rule", async (_l, props, path, message) => {
    const r = await run({ name: "lead_submitted", event_id: id(), properties: props });
    expect(r.status).toBe(400);
    expect(r.body.details).toContainEqual({ path, message });
  });

  it("checks enum, pattern, integer and lengths", async () => {
    const bad = await run({ name: "product_added", event_id: id(), properties: { product_id: "p", quantity: 1.5, plan: "gold" } });
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        { path: "properties.quantity", message: "expected an integer" },
        { path: "properties.plan", message: 'expected one of "basic", "pro"' },
      ]),
    );
    const pattern = await run({ name: "purchase_completed", event_id: id(), properties: { order_id: "o1", value: 1, currency: "usd" } });
    expect(pattern.body.details).toContainEqual({ path: "properties.currency", message: "must match ^[A-Z]{3}$" });
    const length = await run({ name: "lead_submitted", event_id: id(), properties: { lead_id: "abc" } }, (c) => (c.plan.events.lead_submitted.properties.lead_id.min_length = 5));
    expect(length.body.details).toContainEqual({ path: "properties.lead_id", message: "length must be ≥ 5" });
  });

  it("rejects properties the plan does not list when additional_properties is false", async () => {
    const r = await run({ name: "lead_submitted", event_id: id(), properties: { lead_id: "l", surprise: 1 } }, (c) => (c.plan.events.lead_submitted.additional_properties = false));
    expect(r.body.details).toEqual([{ path: "properties.surprise", message: "not in the tracking plan" }]);
  });
});

describe("value rules and currency", () => {
  it("takes the actual value from the named property, with its currency", async () => {
    const r = await run({ name: "purchase_completed", event_id: id(), properties: { order_id: `o_${id()}`, value: 42.5, currency: "EUR" } });
    expect(r.event).toMatchObject({ value: 42.5, currency: "EUR", value_kind: "actual" });
  });

  it("estimates a lead as close rate × average deal size in the default currency", async () => {
    const r = await run({ name: "lead_submitted", event_id: id(), properties: { lead_id: "l" } });
    expect(r.event).toMatchObject({ value: 500, currency: "USD", value_kind: "estimated" });
  });

  it("uses a fixed value and the event's own currency from the plan", async () => {
    const r = await run({ name: "lead_submitted", event_id: id(), properties: { lead_id: "l" } }, (c) => {
      c.plan.events.lead_submitted.value = { fixed: 25 };
      c.plan.events.lead_submitted.currency = "CHF";
    });
    expect(r.event).toMatchObject({ value: 25, currency: "CHF", value_kind: "estimated" });
  });
});

describe("unknown events", () => {
  const unknown = () => ({ name: "newsletter_opened", event_id: id() });

  it("flags them by default: forwarded with a violation mark", async () => {
    const r = await run(unknown());
    expect(r.status).toBe(202);
    expect(r.event.violations).toEqual([{ rule: "unknown_event", path: "name", message: '"newsletter_opened" is not in the tracking plan' }]);
  });

  it("rejects them under reject, naming the field", async () => {
    const r = await run(unknown(), (c) => (c.plan.unknown_events = "reject"));
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual([{ path: "name", message: 'unknown event "newsletter_opened" (not in the tracking plan)' }]);
  });

  it("drops them under drop: accepted, reported as dropped, forwarded nowhere", async () => {
    const r = await run(unknown(), (c) => (c.plan.unknown_events = "drop"));
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ accepted: 0, dropped: [{ index: 0, reason: 'unknown event "newsletter_opened"' }] });
    expect(r.event).toBeUndefined();
  });

  it("always accepts the SDK's built-in page_viewed and user_identified", async () => {
    const r = await run({ name: "page_viewed", event_id: id() }, (c) => (c.plan.unknown_events = "reject"));
    expect(r.status).toBe(202);
  });
});
