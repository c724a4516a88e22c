/**
 * npm start: `wrangler dev` on 127.0.0.1:8787 with request.cf from dev/cf.json (offline, deterministic).
 *   npm start                                    the demo config (dev/tagwire.config.toml, [env.dev])
 *   npm start -- --config tagwire.config.toml    your production config, every destination forced to dry_run
 *   TAGWIRE_FORCE_DRY_RUN=1 npm start            the demo config, forced to dry_run too
 * Any other argument goes to wrangler dev as it is. Cron Triggers (alerts) can be fired at /__scheduled.
 * It prints where the inspector is (with debug = true, the page whose buttons send test events).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../src/config/load.ts";
import { readConfigSource } from "./config-file.ts";

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

/** The inspector's URL for wrangler dev started with `args`, under the config's prefix. */
export function inspectorUrl(args: readonly string[], prefix: string): string {
  const flag = (name: string, dflt: string) => {
    const i = args.indexOf(name);
    if (i >= 0 && args[i + 1] !== undefined) return args[i + 1]!;
    return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1) ?? dflt;
  };
  const ip = flag("--ip", "127.0.0.1");
  const host = ip === "0.0.0.0" || ip === "::" ? "127.0.0.1" : ip.includes(":") ? `[${ip}]` : ip;
  return `http://${host}:${flag("--port", "8787")}${prefix}/inspector`;
}

/** The line to print: the inspector under the prefix of the config this environment runs (read as the Worker does). */
function inspectorLine(args: readonly string[]): string {
  const i = args.indexOf("--env");
  try {
    const { raw, where } = readConfigSource(i >= 0 ? ["--env", args[i + 1]!] : []);
    const loaded = parseConfig(raw, where);
    if (loaded.ok) {
      const url = inspectorUrl(args, loaded.config.prefix);
      return loaded.config.debug ? `Inspector (buttons that send test events through the SDK): ${url}` : `Inspector: ${url}`;
    }
  } catch {
    // wrangler reports a broken config itself
  }
  return `Inspector: ${inspectorUrl(args, "/<prefix>")}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const plan = startArgs(process.argv.slice(2), process.env);
  if ("error" in plan) {
    console.error(`✗ ${plan.error}`);
    process.exit(2);
  }
  if (plan.forced) console.error("TAGWIRE_FORCE_DRY_RUN: every destination runs in dry_run; the inspector shows what would be sent.");
  console.error(inspectorLine(plan.args));
  const child = spawn("wrangler", plan.args, {
    stdio: "inherit",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_PATH: process.env.CLOUDFLARE_CF_FETCH_PATH ?? "./dev/cf.json" },
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
