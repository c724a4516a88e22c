/** The TOML examples in my docs are valid configs, and the routing-rules worked example does what the page says. */
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import doc from "../../docs/routing-rules.md?raw";
import hubspotDoc from "../../docs/destinations-hubspot.md?raw";
import salesforceDoc from "../../docs/destinations-salesforce.md?raw";
import { parseConfig } from "../../src/config/load.ts";
import { actionsFor } from "../../src/rules/route.ts";
import { leadEvent } from "../contracts/fixture.ts";

describe("docs/routing-rules.md", () => {
  it("has a worked example that loads and triggers the task above 80 only", () => {
    const toml = /```toml\n([\s\S]*?)```/.exec(doc)![1]!;
    const cfg = parse(toml) as Record<string, unknown>;
    const loaded = parseConfig({ prefix: "", ...cfg });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(actionsFor(loaded.config.rules, "hubspot", leadEvent())).toHaveLength(1);
    expect(actionsFor(loaded.config.rules, "hubspot", leadEvent({ properties: { lead_id: "l", score: 80 } }))).toHaveLength(0);
  });
});


describe("destination docs", () => {
  it.each([
    ["destinations-hubspot.md", hubspotDoc],
    ["destinations-salesforce.md", salesforceDoc],
  ])("%s has an example block that loads", (_, text) => {
    const toml = /```toml\n([\s\S]*?)```/.exec(text)![1]!;
    const cfg = parse(toml) as Record<string, unknown>;
    const loaded = parseConfig({ prefix: "", ...cfg });
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });
});
