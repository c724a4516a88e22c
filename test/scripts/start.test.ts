/** npm start: which wrangler environment runs, that your own configs are forced to dry_run, and any config file runs. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { inspectorUrl, startArgs } from "../../scripts/start.ts";
import { Config } from "../../src/config/schema.ts";

const root = new URL("../../", import.meta.url).pathname;

describe("npm start", () => {
  it("runs the demo config ([env.dev]) by default, with Cron Triggers testable", () => {
    expect(startArgs([], {})).toEqual({ args: ["dev", "--env", "dev", "--ip", "127.0.0.1", "--port", "8787", "--test-scheduled"], forced: false });
  });

  it("runs the production config with every destination forced to dry_run: -- --config tagwire.config.toml", () => {
    for (const argv of [["--config", "tagwire.config.toml"], ["--config=./tagwire.config.toml"]]) {
      const plan = startArgs(argv, {});
      expect(plan).toMatchObject({ forced: true });
      expect("args" in plan && plan.args).not.toContain("--env");
      expect("args" in plan && plan.args.join(" ")).toContain("--var TAGWIRE_FORCE_DRY_RUN:1");
    }
  });

  it("forces dry_run from TAGWIRE_FORCE_DRY_RUN=1 in the shell, and passes other arguments to wrangler", () => {
    const plan = startArgs(["--port", "9000"], { TAGWIRE_FORCE_DRY_RUN: "1" });
    expect("args" in plan && plan.args).toEqual(["dev", "--env", "dev", "--ip", "127.0.0.1", "--test-scheduled", "--var", "TAGWIRE_FORCE_DRY_RUN:1", "--port", "9000"]);
  });

  it("runs any other config file: validated, then passed as the TAGWIRE_CONFIG var in [env.dev], forced to dry_run", () => {
    const dir = mkdtempSync(`${tmpdir()}/tagwire-start-`);
    const path = `${dir}/x.toml`;
    writeFileSync(path, readFileSync(`${root}dev/tagwire.config.toml`, "utf8").replace("debug = true", "debug = false"));
    const plan = startArgs(["--config", path, "--port", "9000"], {});
    if ("error" in plan) throw new Error(plan.error);
    expect(plan.forced).toBe(true);
    expect(plan.config?.parsed).toMatchObject({ debug: false, version: "demo" });
    expect(plan.args.slice(0, 3)).toEqual(["dev", "--env", "dev"]);
    expect(plan.args.join(" ")).toContain("--var TAGWIRE_FORCE_DRY_RUN:1");
    expect(plan.args.slice(-2)).toEqual(["--port", "9000"]);
    const v = plan.args[plan.args.findIndex((a) => a.startsWith("TAGWIRE_CONFIG:"))]!;
    // wrangler splits NAME:VALUE on the first colon; the value is the file as JSON, which the Worker reads as its config.
    expect(v.split(":")[0]).toBe("TAGWIRE_CONFIG");
    const json = JSON.parse(v.slice("TAGWIRE_CONFIG:".length));
    expect(json).toMatchObject({ version: "demo", debug: false, prefix: "/k7q" });
    expect(Config.parse(json).destinations.meta).toMatchObject({ type: "meta", mode: "dry_run" });
  });

  it("refuses a config file that is invalid or missing, naming the problem, before wrangler starts", () => {
    const dir = mkdtempSync(`${tmpdir()}/tagwire-start-`);
    writeFileSync(`${dir}/bad.toml`, 'prefix = "/k7q"\ntime_tolerance_hours = "soon"\n');
    expect(startArgs(["--config", `${dir}/bad.toml`], {})).toEqual({ error: expect.stringContaining("time_tolerance_hours") });
    expect(startArgs(["--config", `${dir}/none.toml`], {})).toEqual({ error: expect.stringContaining("cannot be read (ENOENT)") });
  });
});

describe("npm start's printed inspector URL", () => {
  it("names the inspector under the config's prefix, on the address wrangler dev listens on", () => {
    const plan = startArgs([], {});
    expect("args" in plan && inspectorUrl(plan.args, "/k7q")).toBe("http://127.0.0.1:8787/k7q/inspector");
    const other = startArgs(["--port=9000", "--ip", "0.0.0.0"], {});
    expect("args" in other && inspectorUrl(other.args, "/n4v")).toBe("http://127.0.0.1:9000/n4v/inspector");
  });
});
