import { describe, expect, it } from "vitest";
import { conditionMatches, parseCondition, type Condition, type ConditionIssue } from "../../src/rules/condition.ts";
import { leadEvent } from "../contracts/fixture.ts";

// The lead: name lead_submitted, properties { lead_id: "lead_2001", score: 91, company: "Acme" }, value 500,
// user.email "Jane.Doe@Example.com ", context.geo.country "US", page.title "Order complete".
const lead = leadEvent({ properties: { lead_id: "lead_2001", score: 91, company: "Acme", tags: ["b2b"], note: null, text_score: "90" } });

function cond(raw: unknown): Condition {
  const issues: ConditionIssue[] = [];
  const c = parseCondition(raw, issues);
  expect(issues).toEqual([]);
  return c!;
}
const holds = (raw: unknown) => conditionMatches(cond(raw), lead);

describe("rule conditions: each operator", () => {
  it.each([
    ["eq on a string", { field: "name", op: "eq", value: "lead_submitted" }, true],
    ["eq on a different string", { field: "name", op: "eq", value: "purchase_completed" }, false],
    ["eq on a number", { field: "properties.score", op: "eq", value: 91 }, true],
    ["eq on a nested field", { field: "context.geo.country", op: "eq", value: "US" }, true],
    ["eq on a boolean", { field: "consent.analytics", op: "eq", value: true }, true],
    ["ne on a different value", { field: "name", op: "ne", value: "purchase_completed" }, true],
    ["ne on the same value", { field: "properties.score", op: "ne", value: 91 }, false],
    ["gt below the value", { field: "properties.score", op: "gt", value: 80 }, true],
    ["gt at the value", { field: "properties.score", op: "gt", value: 91 }, false],
    ["gte at the value", { field: "properties.score", op: "gte", value: 91 }, true],
    ["gte above the value", { field: "properties.score", op: "gte", value: 92 }, false],
    ["lt above the value", { field: "value", op: "lt", value: 501 }, true],
    ["lt at the value", { field: "value", op: "lt", value: 500 }, false],
    ["lte at the value", { field: "value", op: "lte", value: 500 }, true],
    ["lte below the value", { field: "value", op: "lte", value: 499 }, false],
    ["in a list holding the value", { field: "context.geo.country", op: "in", value: ["US", "CA"] }, true],
    ["in a list without the value", { field: "context.geo.country", op: "in", value: ["DE", "FR"] }, false],
    ["exists on a present field", { field: "properties.company", op: "exists", value: true }, true],
    ["exists with no value (defaults to true)", { field: "user.email", op: "exists" }, true],
    ["exists = false on an absent field", { field: "properties.budget", op: "exists", value: false }, true],
    ["matches a regex", { field: "user.email", op: "matches", value: "@example\\.com\\s*$" }, false],
    ["matches a case-sensitive regex", { field: "user.email", op: "matches", value: "@Example\\.com" }, true],
    ["matches on an array element by index", { field: "properties.tags.0", op: "matches", value: "^b2" }, true],
  ])("%s", (_, raw, want) => {
    expect(holds(raw)).toBe(want);
  });
});

describe("rule conditions: missing fields", () => {
  it.each([
    ["eq", { field: "properties.budget", op: "eq", value: 1 }, false],
    ["eq null (absent counts as null)", { field: "properties.budget", op: "eq", value: null }, true],
    ["ne (the negation of eq)", { field: "properties.budget", op: "ne", value: 1 }, true],
    ["gt", { field: "properties.budget", op: "gt", value: 0 }, false],
    ["lte", { field: "properties.budget", op: "lte", value: 0 }, false],
    ["in", { field: "properties.budget", op: "in", value: [1, 2] }, false],
    ["matches", { field: "properties.budget", op: "matches", value: ".*" }, false],
    ["exists (null counts as missing)", { field: "properties.note", op: "exists", value: true }, false],
    ["a path through a scalar", { field: "name.first", op: "exists", value: true }, false],
  ])("%s on a missing field → %s", (_, raw, want) => {
    expect(holds(raw)).toBe(want);
  });
});

describe("rule conditions: type mismatches (no coercion)", () => {
  it.each([
    ['a string "90" is not gt 80', { field: "properties.text_score", op: "gt", value: 80 }, false],
    ['a string "90" is not eq 90', { field: "properties.text_score", op: "eq", value: 90 }, false],
    ['a string "90" is ne 90', { field: "properties.text_score", op: "ne", value: 90 }, true],
    ['a string "90" is not in [90]', { field: "properties.text_score", op: "in", value: [90] }, false],
    ["a number does not match a regex", { field: "properties.score", op: "matches", value: "^9" }, false],
    ["an array is not eq its only element", { field: "properties.tags", op: "eq", value: "b2b" }, false],
    ["an object is not gt anything", { field: "page", op: "gt", value: 0 }, false],
  ])("%s", (_, raw, want) => {
    expect(holds(raw)).toBe(want);
  });
});

describe("rule conditions: all / any", () => {
  const hot = { field: "properties.score", op: "gt", value: 80 };
  const isLead = { field: "name", op: "eq", value: "lead_submitted" };
  const inDE = { field: "context.geo.country", op: "eq", value: "DE" };
  it.each([
    ["all of two true conditions", { all: [hot, isLead] }, true],
    ["all with one false condition", { all: [hot, inDE] }, false],
    ["any with one true condition", { any: [inDE, hot] }, true],
    ["any of false conditions", { any: [inDE, { field: "value", op: "gt", value: 1000 }] }, false],
    ["any nested in all", { all: [isLead, { any: [inDE, hot] }] }, true],
    ["all nested in any, both false", { any: [{ all: [isLead, inDE] }, { all: [hot, inDE] }] }, false],
    ["three levels deep", { all: [{ any: [{ all: [hot, isLead] }, inDE] }] }, true],
  ])("%s → %s", (_, raw, want) => {
    expect(holds(raw)).toBe(want);
  });
});

describe("rule conditions: validation", () => {
  function problems(raw: unknown): ConditionIssue[] {
    const issues: ConditionIssue[] = [];
    expect(parseCondition(raw, issues)).toBeUndefined();
    return issues;
  }
  it("names an unknown operator and lists the known ones", () => {
    expect(problems({ field: "properties.score", op: "greater", value: 80 })).toEqual([
      { path: ["op"], message: 'unknown operator string "greater"; expected one of eq, ne, gt, gte, lt, lte, in, exists, matches' },
    ]);
  });
  it("rejects a regular expression that does not compile", () => {
    const [p] = problems({ field: "user.email", op: "matches", value: "([a-z" });
    expect(p!.path).toEqual(["value"]);
    expect(p!.message).toMatch(/^regular expression does not compile: /);
  });
  it("rejects a string operand for an ordering operator", () => {
    expect(problems({ field: "properties.score", op: "gt", value: "80" })).toEqual([
      { path: ["value"], message: 'gt compares numbers: value must be a number (found string "80")' },
    ]);
  });
  it("rejects in without a list", () => {
    expect(problems({ field: "name", op: "in", value: "lead_submitted" })[0]!.message).toMatch(/^in needs a non-empty list/);
  });
  it("rejects a field outside the canonical event", () => {
    expect(problems({ field: "propertiess.score", op: "exists" })[0]).toMatchObject({ path: ["field"], message: expect.stringMatching(/^unknown field "propertiess"/) });
  });
  it("points into nested groups", () => {
    expect(problems({ all: [{ field: "name", op: "eq", value: "x" }, { any: [{ field: "value", op: "lt", value: [1] }] }] })).toEqual([
      { path: ["all", 1, "any", 0, "value"], message: "lt compares numbers: value must be a number (found an array)" },
    ]);
  });
  it("rejects an empty group and a group with stray keys", () => {
    expect(problems({ all: [] })[0]).toMatchObject({ path: ["all"] });
    expect(problems({ any: [{ field: "name", op: "exists" }], field: "x" })[0]!.message).toContain("unknown key(s): field");
  });
  it("rejects unknown keys on a condition", () => {
    expect(problems({ field: "name", op: "eq", value: "x", values: ["y"] })[0]!.message).toContain("unknown key(s): values");
  });
});
