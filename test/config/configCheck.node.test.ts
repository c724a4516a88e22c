/** `npm run config:check` and `npm run plan` read the config an environment bundles, or the var that replaces it. */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
mkdirSync(join(root, ".wrangler/tmp"), { recursive: true });
const dir = mkdtempSync(join(root, ".wrangler/tmp/config-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(script: "config-check" | "plan", args: string[]): Promise<{ code: number; out: string; err: string }> {
  const node = join(root, "node_modules/.bin/node");
  return new Promise((resolve) => {
    execFile(node, ["--experimental-transform-types", "--no-warnings", `scripts/${script}.ts`, ...args], { cwd: root }, (e, out, err) =>
      resolve({ code: e ? Number(e.code ?? 1) : 0, out, err }),
    );
  });
}

describe("npm run config:check", () => {
  it("checks the production file by default and the demo file with --env dev", async () => {
    const top = await run("config-check", []);
    expect(top.code).toBe(0);
    expect(top.out).toContain("✓ tagwire.config.toml is valid (version 2026-11-22.1)");
    const dev = await run("config-check", ["--env", "dev"]);
    expect(dev.code).toBe(0);
    expect(dev.out).toContain("✓ dev/tagwire.config.toml is valid (version demo)");
  });

  it("follows an environment's main to the file it imports, and reports a TAGWIRE_CONFIG var that replaces it", async () => {
    mkdirSync(join(dir, "staging"), { recursive: true });
    writeFileSync(join(dir, "staging/worker.ts"), 'import text from "./tagwire.config.toml";\nexport default text;\n');
    writeFileSync(join(dir, "staging/tagwire.config.toml"), 'version = "staging-1"\nprefix = "/k7q"\n');
    writeFileSync(
      join(dir, "wrangler.toml"),
      'main = "src/index.ts"\n[env.staging]\nmain = "staging/worker.ts"\n[env.small.vars.TAGWIRE_CONFIG]\nversion = "small"\nprefix = "/k7q"\n',
    );
    const staging = await run("config-check", ["--config", join(dir, "wrangler.toml"), "--env", "staging"]);
    expect(staging.out).toMatch(/✓ \S*staging\/tagwire\.config\.toml is valid \(version staging-1\)/);
    const small = await run("config-check", ["--config", join(dir, "wrangler.toml"), "--env", "small"]);
    expect(small.out).toContain("[env.small] vars.TAGWIRE_CONFIG (replaces the bundled file) is valid (version small)");
  });

  it("names the file, line and column of a TOML error, and the key of a schema error, exiting 1", async () => {
    writeFileSync(join(dir, "syntax.toml"), 'version = "x"\nprefix = "/k7q"\n[plan\n');
    const syntax = await run("config-check", ["--file", join(dir, "syntax.toml")]);
    expect(syntax.code).toBe(1);
    expect(syntax.err).toMatch(/syntax\.toml: is not valid TOML at line 3, column \d+/);
    writeFileSync(join(dir, "schema.toml"), 'prefix = "/track"\n[destinations.w]\ntype = "webhook"\nurl = "nope"\nsecret = "sk_live_x"\n');
    const schema = await run("config-check", ["--file", join(dir, "schema.toml")]);
    expect(schema.code).toBe(1);
    expect(schema.err).toContain('destinations.w.url: Invalid URL (found string "nope")');
    expect(schema.err).not.toContain("sk_live_x");
  });
});

describe("npm run plan", () => {
  it("prints the tracking plan of the environment's file", async () => {
    const r = await run("plan", ["--env", "dev"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("# Tracking plan (config version demo)");
    expect(r.out).toContain("purchase_completed");
  });
});
