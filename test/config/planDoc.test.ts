import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { describeValue, planMarkdown } from "../../src/config/planDoc.ts";
import { configCopy } from "../helpers/worker.ts";

describe("the tracking plan document", () => {
  const cfg = Config.parse(configCopy());
  const doc = planMarkdown(cfg);

  it("lists every planned event with its owner, description and properties", () => {
    for (const [name, plan] of Object.entries(cfg.plan.events)) {
      expect(doc).toContain(`## \`${name}\``);
      expect(doc).toContain(plan.owner);
      expect(doc).toContain(plan.description);
      for (const prop of Object.keys(plan.properties)) expect(doc).toContain(`| \`${prop}\` |`);
    }
  });

  it("spells out value rules, dedupe rules and bounds", () => {
    expect(doc).toContain("estimated: close rate 0.1 × average deal 5000 = 500 USD");
    expect(doc).toContain("one event per `order_id` within 48 h");
    expect(doc).toContain("≥ 0; ≤ 100");
    expect(doc).toContain("one of `basic`, `pro`");
    expect(describeValue({ fixed: 25 }, "EUR")).toBe("estimated: a fixed 25 EUR");
  });

  it("says where each event goes and why it does not go elsewhere", () => {
    expect(doc).toContain("hook (webhook): as `purchase_completed`");
    const c = configCopy();
    c.plan.events.purchase_completed.destinations = { hook: false };
    expect(planMarkdown(Config.parse(c))).toContain("hook (webhook): never (excluded by the plan)");
  });
});
