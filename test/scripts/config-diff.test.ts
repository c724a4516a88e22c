/** npm run config:diff: what a deploy changes, grouped; the deployed config read through wrangler (injected). */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { residencyChange } from "../../src/config/checks.ts";
import { Config } from "../../src/config/schema.ts";
import { deployedConfig } from "../../scripts/config-diff/deployed.ts";
import { diffConfigs, formatChanges } from "../../scripts/config-diff/diff.ts";

const base = {
  prefix: "/k7q",
  plan: { events: { purchase_completed: { description: "Paid", owner: "growth", properties: { value: { type: "number", min: 0 } } } } },
  destinations: { hook: { type: "webhook", url: "https://hooks.acme.io/t", secret: "HOOK_SECRET", pii: "hashed", mode: "dry_run" } },
  rules: [{ name: "a", when: { field: "name", op: "eq", value: "purchase_completed" }, then: { only_destinations: ["hook"] } }],
};
const parse = (raw: unknown) => Config.parse(raw);

describe("config:diff", () => {
  it("reports no change for the same config, even when a default is spelled out", () => {
    expect(diffConfigs(parse(base), parse({ ...base, consent: { honor_gpc: true } }))).toEqual([]);
    expect(formatChanges([])).toBe("no change\n");
  });

  it("groups new events, changed destinations and consent, one line per whole new event", () => {
    const after = structuredClone(base) as Record<string, any>;
    after.plan.events.lead_submitted = { description: "Lead", owner: "ops" };
    after.plan.events.purchase_completed.properties.value.min = 1;
    after.destinations.hook.mode = "live";
    after.consent = { honor_gpc: false };
    const text = formatChanges(diffConfigs(parse(base), parse(after)));
    expect(text).toMatch(/^events\n/);
    expect(text).toContain("  + plan.events.lead_submitted (new)\n");
    expect(text).toContain("  ~ plan.events.purchase_completed.properties.value.min: 0 → 1\n");
    expect(text).toContain('destinations\n  ~ destinations.hook.mode: "dry_run" → "live"');
    expect(text).toContain("consent\n  ~ consent.honor_gpc: true → false");
    expect(text.match(/lead_submitted/g)).toHaveLength(1);
  });

  it("shows a residency change under data residency, with a warning that it moves nothing", () => {
    const after = parse({ ...base, residency: "eu" });
    expect(formatChanges(diffConfigs(parse(base), after))).toBe('data residency\n  + residency = "eu"\n');
    expect(residencyChange(parse(base), after)).toMatchObject({ level: "warning", path: "residency", message: expect.stringContaining('from none to "eu": existing Durable Objects stay where they are') });
    expect(residencyChange(after, parse({ ...base, residency: "eu" }))).toBeUndefined();
    expect(residencyChange(after, parse(base))?.message).toContain('from "eu" to none');
  });

  it("names a removed destination once", () => {
    const after = { ...base, destinations: {}, rules: [] };
    const text = formatChanges(diffConfigs(parse(base), parse(after)));
    expect(text).toContain("  - destinations.hook (removed)");
    expect(text).toContain("rules\n  - rules.a (removed)");
  });
});

describe("the deployed config", () => {
  const exec = (answers: Record<string, string>) => async (_cmd: string, args: string[]) => {
    const key = args.slice(2, 4).join(" ");
    if (!(key in answers)) throw new Error("Not logged in");
    return answers[key]!;
  };

  it("reads TAGWIRE_CONFIG of the version serving most traffic during a gradual rollout", async () => {
    const d = await deployedConfig(undefined, exec({
      "deployments status": JSON.stringify({ versions: [{ version_id: "aaaaaaaa-1", percentage: 10 }, { version_id: "bbbbbbbb-2", percentage: 90 }] }),
      "versions view": JSON.stringify({ resources: { bindings: [{ name: "TAGWIRE_CONFIG", type: "json", json: base }] } }),
    }));
    expect(d).toMatchObject({ raw: base });
    expect("from" in d && d.from).toContain("bbbbbbbb 90%");
  });

  it("says why when wrangler cannot tell, so the caller falls back to git and says so", async () => {
    expect(await deployedConfig(undefined, exec({}))).toMatchObject({ raw: null, why: expect.stringContaining("Not logged in") });
    const bundled = await deployedConfig(undefined, exec({
      "deployments status": JSON.stringify({ versions: [{ version_id: "cccccccc-3", percentage: 100 }] }),
      "versions view": JSON.stringify({ resources: { bindings: [] } }),
    }));
    expect(bundled).toMatchObject({ raw: null, why: expect.stringContaining("bundled") });
  });
});

describe("npm run config:diff against the last commit", () => {
  it("reads a bundled config as committed (wrangler.toml, its entry, the file it imports) and warns of a residency change", () => {
    const dir = mkdtempSync(`${tmpdir()}/tagwire-diff-`);
    const git = (...a: string[]) => execFileSync("git", ["-c", "user.email=t@acme.io", "-c", "user.name=t", ...a], { cwd: dir, stdio: "pipe" });
    const config = (extra: string) => `prefix = "/k7q"\n${extra}\n[cookies]\ndomain = "acme.io"\n`;
    mkdirSync(`${dir}/src`);
    writeFileSync(`${dir}/wrangler.toml`, 'name = "t"\nmain = "src/index.ts"\n');
    writeFileSync(`${dir}/src/index.ts`, 'import text from "../tagwire.config.toml";\nexport default text;\n');
    writeFileSync(`${dir}/tagwire.config.toml`, config(""));
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "config");
    writeFileSync(`${dir}/tagwire.config.toml`, config('residency = "eu"'));
    const root = new URL("../../", import.meta.url).pathname;
    const r = spawnSync(`${root}node_modules/.bin/node`, ["--experimental-transform-types", "--no-warnings", `${root}scripts/config-diff.ts`, "--offline"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("tagwire.config.toml against git HEAD");
    expect(r.stdout).toContain('data residency\n  + residency = "eu"');
    expect(r.stdout).toContain('! residency: changes from none to "eu"');
  });
});
