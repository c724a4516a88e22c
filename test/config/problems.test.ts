import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";

describe("config problems", () => {
  const bad = {
    prefix: "/track",
    plan: { events: { Purchase: { description: "x", owner: "y" } } },
    destinations: { w: { type: "webhook", url: "nope", secret: "sk_live_should_not_echo" } },
    cookies: { max_age_days: "400" },
  };
  const loaded = parseConfig(bad);
  const problems = loaded.ok ? [] : loaded.problems;

  it("name the key, what was expected and what was found", () => {
    expect(problems).toContainEqual({ path: "prefix", message: 'must not contain "track", a word ad blockers match' });
    expect(problems).toContainEqual({ path: "cookies.max_age_days", message: expect.stringContaining('found string "400"') });
    expect(problems).toContainEqual({ path: "plan.events.Purchase", message: expect.stringContaining("snake_case") });
    expect(problems).toContainEqual({ path: "destinations.w.url", message: expect.stringContaining('found string "nope"') });
  });

  it("never echo a value given where a secret's name belongs", () => {
    expect(JSON.stringify(problems)).not.toContain("sk_live_should_not_echo");
    expect(problems).toContainEqual({ path: "destinations.w.secret", message: expect.stringContaining("value not shown") });
  });

  it("accept the same config as a JSON string", () => {
    const good = { prefix: "/k7q", destinations: {} };
    expect(parseConfig(JSON.stringify(good)).ok).toBe(true);
    const broken = parseConfig("{not json");
    expect(broken.ok).toBe(false);
    expect(broken.ok ? "" : broken.problems[0]!.message).toContain("not valid JSON");
  });
});
