import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";

const destinations = {
  crm: { type: "hubspot", token: "HUBSPOT_TOKEN" },
  hook: { type: "webhook", url: "https://hooks.example.com/x", secret: "HOOK_SECRET" },
};
const hot = { all: [{ field: "name", op: "eq", value: "lead_submitted" }, { field: "properties.score", op: "gt", value: 80 }] };
const task = { destination: "crm", action: "create_task", owner_id: "7001", subject: "Hot lead: {{user.email}}" };

function problems(rules: unknown[]) {
  const r = parseConfig({ prefix: "", destinations, rules });
  return r.ok ? [] : r.problems;
}

describe("routing rules in the config", () => {
  it("accepts the hot-lead task rule and fills the action's defaults at use", () => {
    const r = parseConfig({ prefix: "", destinations, rules: [{ name: "hot_lead", when: hot, then: task }] });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.rules[0]!.then).toEqual({ destination: "crm", action: "create_task", params: { owner_id: "7001", subject: "Hot lead: {{user.email}}" } });
  });
  it("defaults to no rules", () => {
    const r = parseConfig({ prefix: "" });
    expect(r.ok && r.config.rules).toEqual([]);
  });
  it("names a bad operator with its path", () => {
    expect(problems([{ name: "r", when: { all: [{ field: "properties.score", op: ">", value: 80 }] }, then: task }])).toEqual([
      { path: "rules[0].when.all[0].op", message: 'unknown operator string ">"; expected one of eq, ne, gt, gte, lt, lte, in, exists, matches' },
    ]);
  });
  it("names a regex that does not compile", () => {
    const [p] = problems([{ name: "r", when: { field: "user.email", op: "matches", value: "*@x" }, then: task }]);
    expect(p).toMatchObject({ path: "rules[0].when.value", message: expect.stringMatching(/^regular expression does not compile/) });
  });
  it("names an operand of the wrong type", () => {
    expect(problems([{ name: "r", when: { field: "properties.score", op: "gte", value: "80" }, then: task }])).toEqual([
      { path: "rules[0].when.value", message: 'gte compares numbers: value must be a number (found string "80")' },
    ]);
  });
  it("rejects destinations that are not configured", () => {
    expect(problems([{ name: "r", when: hot, then: { only_destinations: ["crm", "ads"] } }])).toEqual([
      { path: "rules[0].then.only_destinations[1]", message: 'no destination "ads" is configured (known: crm, hook)' },
    ]);
  });
  it("rejects an action the destination does not offer", () => {
    expect(problems([{ name: "r", when: hot, then: { ...task, destination: "hook" } }])).toEqual([
      { path: "rules[0].then.action", message: 'destination "hook" (webhook) has no action "create_task" (actions: none)' },
    ]);
  });
  it("checks the action's parameters", () => {
    const ps = problems([{ name: "r", when: hot, then: { destination: "crm", action: "create_task", subject: "{{usr.email}}", priority: "URGENT" } }]);
    expect(ps.map((p) => p.path).sort()).toEqual(["rules[0].then.owner_id", "rules[0].then.priority", "rules[0].then.subject"]);
    expect(ps.find((p) => p.path === "rules[0].then.subject")!.message).toContain('unknown field "usr"');
  });
  it("rejects a then that is neither a limit nor an action", () => {
    expect(problems([{ name: "r", when: hot, then: { only_destinations: ["crm"], skip_destinations: ["hook"] } }])[0]).toMatchObject({
      path: "rules[0].then",
      message: "only_destinations stands alone (unknown key(s): skip_destinations)",
    });
  });
});

describe("hubspot create_task parameters", () => {
  it("say what a missing owner_id should be", () => {
    const ps = problems([{ name: "r", when: hot, then: { destination: "crm", action: "create_task", subject: "Hot lead" } }]);
    expect(ps).toEqual([{ path: "rules[0].then.owner_id", message: 'required: the HubSpot owner id (digits) the task is assigned to, e.g. "7001"' }]);
  });
  it("accept an owner id written as a number", () => {
    expect(problems([{ name: "r", when: hot, then: { ...task, owner_id: 7001 } }])).toEqual([]);
  });
});
