/** npm start: which wrangler environment runs, and that your own production config is forced to dry_run. */
import { describe, expect, it } from "vitest";
import { inspectorUrl, startArgs } from "../../scripts/start.ts";

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

  it("refuses a config file no environment bundles, naming the ones that are", () => {
    expect(startArgs(["--config", "mine.toml"], {})).toEqual({ error: expect.stringContaining("known: tagwire.config.toml, dev/tagwire.config.toml") });
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
