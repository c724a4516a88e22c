/** npm run config:check end to end, on a wrangler.toml and .dev.vars in a temporary folder. */
import { execFileSync, spawnSync } from "node:child_process";
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

  it("lists the archive and dead-letter keys among the secrets to set, with what stops working, as warnings", () => {
    const r = configCheck(CONFIG(), "HOOK_SECRET=whsec_x\nTAGWIRE_ADMIN_TOKEN=x\n", "--secrets", "local");
    expect(r.stdout).toContain("! archive.key_secret: secret TAGWIRE_ARCHIVE_KEY is not set: archive off: events are not archived, so there is no backfill source");
    expect(r.stdout).toContain("! dead_letters.key_secret: secret TAGWIRE_DEAD_LETTER_KEY is not set");
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

  it("warns that a residency change is a migration, against the last commit", () => {
    const dir = mkdtempSync(`${tmpdir()}/tagwire-check-`);
    const git = (...a: string[]) => execFileSync("git", ["-c", "user.email=t@acme.io", "-c", "user.name=t", ...a], { cwd: dir, stdio: "pipe" });
    writeFileSync(`${dir}/wrangler.toml`, CONFIG());
    git("init", "-q");
    git("add", "wrangler.toml");
    git("commit", "-qm", "config");
    const check = () => spawnSync(`${root}node_modules/.bin/node`, ["--experimental-transform-types", "--no-warnings", `${root}scripts/config-check.ts`, "--secrets", "skip"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    expect(check().stdout).not.toContain("residency");
    writeFileSync(`${dir}/wrangler.toml`, CONFIG().replace('prefix = "/k7q"', 'prefix = "/k7q"\nresidency = "eu"'));
    const r = check();
    expect(r.stdout).toContain('! residency: changes from none to "eu": existing Durable Objects stay where they are');
    expect(r.stdout).toContain("[against the last commit]");
    // A warning, not an error: the change is allowed, it has to be planned.
    expect(r.status).toBe(0);
  });

  it("suggests the closest key for a typo", () => {
    const r = configCheck(CONFIG("session_minuts = 20"), null);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cookies.session_minuts: unknown key "session_minuts": did you mean "session_minutes"?');
    // Said once: not also as zod's bare "unknown key(s)" list.
    expect(r.stderr.match(/session_minuts/g)).toHaveLength(2);
    expect(r.stderr).not.toContain("unknown key(s)");
  });

  it("says a missing required key is missing, not that undefined is not a string", () => {
    const r = configCheck(CONFIG("[vars.TAGWIRE_CONFIG.plan.events.purchase_completed]"), null);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("plan.events.purchase_completed.description: required: a string, and it is missing");
    expect(r.stderr).not.toContain("received undefined");
  });
});
