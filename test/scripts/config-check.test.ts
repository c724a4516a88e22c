/** npm run config:check end to end, on a wrangler.toml and .dev.vars in a temporary folder. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;

function configCheck(toml: string, devVars: string | null, ...args: string[]) {
  const dir = mkdtempSync(`${tmpdir()}/tagwire-check-`);
  writeFileSync(`${dir}/wrangler.toml`, toml);
  if (devVars !== null) writeFileSync(`${dir}/.dev.vars`, devVars);
  return spawnSync(`${root}node_modules/.bin/node`, ["--experimental-transform-types", "--no-warnings", `${root}scripts/config-check.ts`, "--config", "wrangler.toml", ...args], { cwd: dir, encoding: "utf8", timeout: 30_000 });
}

const CONFIG = (extra = "") => `
[vars.TAGWIRE_CONFIG]
prefix = "/k7q"
allowed_origins = ["https://shop.acme.io"]
[vars.TAGWIRE_CONFIG.cookies]
domain = "acme.io"
${extra}
[vars.TAGWIRE_CONFIG.destinations.hook]
type = "webhook"
url = "https://hooks.acme.io/t"
secret = "HOOK_SECRET"
pii = "hashed"
`;

describe("npm run config:check", () => {
  it("fails a config whose live destination's secret is missing from .dev.vars, naming it", () => {
    const r = configCheck(CONFIG(), "TAGWIRE_ADMIN_TOKEN=x\n", "--secrets", "local");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("destinations.hook.secret: secret HOOK_SECRET is not set");
  });

  it("passes once the secret is there", () => {
    const r = configCheck(CONFIG(), "HOOK_SECRET=whsec_x\nTAGWIRE_ADMIN_TOKEN=x\n", "--secrets", "local");
    expect(r.stdout).toContain("is valid");
    expect(r.status).toBe(0);
  });

  it("fails a production config that keeps example.com placeholders", () => {
    const r = configCheck(CONFIG().replace("https://shop.acme.io", "https://shop.example.com").replace('"acme.io"', '"example.com"'), null, "--secrets", "skip");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("allowed_origins[0]");
    expect(r.stdout).toContain("placeholder");
  });

  it("fails a cookie domain that covers none of the allowed origins", () => {
    const r = configCheck(CONFIG().replace('domain = "acme.io"', 'domain = "other.io"'), null, "--secrets", "skip");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("covers none of allowed_origins");
  });

  it("suggests the closest key for a typo", () => {
    const r = configCheck(CONFIG("session_minuts = 20"), null);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cookies.session_minuts: unknown key "session_minuts": did you mean "session_minutes"?');
  });
});
