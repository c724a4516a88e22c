/** Every npm script that is Tagwire's own answers --help with its usage (exit 0), and a bad flag without a stack trace. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const scripts = JSON.parse(readFileSync(`${root}package.json`, "utf8")).scripts as Record<string, string>;
// Not ours to answer --help: wrangler and vitest do (start, deploy, test, typecheck); setup is a shell script (below).
const OURS = Object.keys(scripts).filter((s) => !["start", "deploy", "test", "typecheck", "setup"].includes(s));

const run = (name: string, ...args: string[]) =>
  spawnSync("sh", ["-c", `${scripts[name]} "$@"`, "sh", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${root}node_modules/.bin:${process.env.PATH}` },
    timeout: 30_000,
  });

describe("--help", () => {
  it.each(OURS)("npm run %s -- --help prints its usage and exits 0", (name) => {
    const r = run(name, "--help");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^npm run /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("npm start -- --help prints Tagwire's usage (our --config, TAGWIRE_FORCE_DRY_RUN, the rest to wrangler dev), not wrangler's", () => {
    const r = run("start", "--help");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^npm start /);
    for (const s of ["--config PATH", "TAGWIRE_FORCE_DRY_RUN", "goes to wrangler dev", "npx wrangler dev --help"]) expect(r.stdout).toContain(s);
    // wrangler's help (its -c/--config is a wrangler.toml) was not printed: no wrangler started.
    expect(r.stdout + r.stderr).not.toMatch(/Path to Wrangler configuration file/);
  });

  it("npm run setup -- --help explains itself without installing anything", () => {
    const r = spawnSync("sh", [`${root}scripts/install.sh`, "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("npm ci");
  });

  it("npm run replay -- with an unknown flag says so in one line and the usage, no stack trace", () => {
    const r = run("replay", "--bogus");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^replay: Unknown option '--bogus'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("config:check with an unknown environment says so without a stack trace", () => {
    const r = run("config:check", "--env", "nope");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("config:check: wrangler.toml has no [env.nope]");
  });
});
