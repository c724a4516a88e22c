import { describe, expect, it } from "vitest";
import { Rules } from "../../src/rules/schema.ts";
import { actionsFor, routeBlock } from "../../src/rules/route.ts";
import { leadEvent, purchaseEvent } from "../contracts/fixture.ts";

const rules = Rules.parse([
  { name: "leads_to_crm_only", when: { field: "name", op: "eq", value: "lead_submitted" }, then: { only_destinations: ["crm", "hook"] } },
  { name: "no_test_orders", when: { field: "properties.order_id", op: "matches", value: "^test_" }, then: { skip_destinations: ["ads"] } },
  {
    name: "hot_lead",
    when: { all: [{ field: "name", op: "eq", value: "lead_submitted" }, { field: "properties.score", op: "gt", value: 80 }] },
    then: { destination: "crm", action: "create_task", owner_id: "42", subject: "Hot lead" },
  },
]);

describe("routing rules", () => {
  it("keeps a matching event away from destinations only_destinations leaves out", () => {
    expect(routeBlock(rules, "ads", leadEvent())).toBe("rule leads_to_crm_only: only_destinations");
    expect(routeBlock(rules, "crm", leadEvent())).toBeUndefined();
  });
  it("skips the destinations skip_destinations names, for matching events only", () => {
    expect(routeBlock(rules, "ads", purchaseEvent({ properties: { order_id: "test_1" } }))).toBe("rule no_test_orders: skip_destinations");
    expect(routeBlock(rules, "ads", purchaseEvent())).toBeUndefined();
  });
  it("lets everything through when no rule is configured", () => {
    expect(routeBlock(undefined, "ads", leadEvent())).toBeUndefined();
    expect(actionsFor([], "crm", leadEvent())).toEqual([]);
  });
  it("triggers an action on its destination when the condition holds", () => {
    expect(actionsFor(rules, "crm", leadEvent())).toEqual([
      { rule: "hot_lead", action: "create_task", params: { owner_id: "42", subject: "Hot lead" } },
    ]);
  });
  it("triggers nothing at the threshold itself or on another destination", () => {
    expect(actionsFor(rules, "crm", leadEvent({ properties: { score: 80 } }))).toEqual([]);
    expect(actionsFor(rules, "hook", leadEvent())).toEqual([]);
  });
});
