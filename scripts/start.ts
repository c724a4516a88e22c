/**
 * npm start: `wrangler dev` on 127.0.0.1:8787 with request.cf from dev/cf.json (offline, deterministic).
 *   npm start                                    the demo config (dev/tagwire.config.toml, [env.dev])
 *   npm start -- --config tagwire.config.toml    your production config, every destination forced to dry_run
 *   TAGWIRE_FORCE_DRY_RUN=1 npm start            the demo config, forced to dry_run too
 * Any other argument goes to wrangler dev as it is. Cron Triggers (alerts) can be fired at /__scheduled.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The config files a wrangler environment bundles (its `main` imports one): which environment runs which. */
const BUNDLED: Record<string, string | null> = { "tagwire.config.toml": null, "dev/tagwire.config.toml": "dev" };

export interface StartPlan {
  args: string[];
  forced: boolean;
}

export function startArgs(argv: readonly string[], env: Record<string, string | undefined>): StartPlan | { error: string } {
  const rest: string[] = [];
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--config") config = argv[++i];
    else if (a.startsWith("--config=")) config = a.slice("--config=".length);
    else rest.push(a);
  }
  let wranglerEnv: string | null = "dev";
  let forced = /^(1|true|yes)$/i.test(env.TAGWIRE_FORCE_DRY_RUN?.trim() ?? "");
  if (config !== undefined) {
    const rel = config.replace(/^\.\//, "");
    if (!(rel in BUNDLED)) {
      return { error: `--config ${config}: not a config a wrangler environment bundles (known: ${Object.keys(BUNDLED).join(", ")})` };
    }
    wranglerEnv = BUNDLED[rel]!;
    // Your own config, run locally: it must never reach the real vendors.
    if (wranglerEnv === null) forced = true;
  }
  // Defaults the caller may override (wrangler refuses a flag given twice).
  const given = (flag: string) => rest.some((a) => a === flag || a.startsWith(`${flag}=`));
  const args = ["dev", ...(wranglerEnv ? ["--env", wranglerEnv] : [])];
  if (!given("--ip")) args.push("--ip", "127.0.0.1");
  if (!given("--port")) args.push("--port", "8787");
  args.push("--test-scheduled");
  if (forced) args.push("--var", "TAGWIRE_FORCE_DRY_RUN:1");
  return { args: [...args, ...rest], forced };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const plan = startArgs(process.argv.slice(2), process.env);
  if ("error" in plan) {
    console.error(`✗ ${plan.error}`);
    process.exit(2);
  }
  if (plan.forced) console.error("TAGWIRE_FORCE_DRY_RUN: every destination runs in dry_run; open http://localhost:8787/<prefix>/inspector to see what would be sent.");
  const child = spawn("wrangler", plan.args, {
    stdio: "inherit",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_PATH: process.env.CLOUDFLARE_CF_FETCH_PATH ?? "./dev/cf.json" },
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
