/**
 * npm start: `wrangler dev` on 127.0.0.1:8787 with request.cf from dev/cf.json (offline, deterministic).
 * USAGE below says what it takes; `npm start -- --help` prints it.
 * It prints where the inspector is (with debug = true, the page whose buttons send test events).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { formatProblems, parseConfig } from "../src/config/load.ts";
import type { Config } from "../src/config/schema.ts";
import { readConfigSource } from "./config-file.ts";

export const USAGE = `
npm start [-- --config PATH] [wrangler dev flags]

Runs Tagwire locally with wrangler dev on http://127.0.0.1:8787 (request.cf from dev/cf.json) and prints where
the inspector is. Cron Triggers (alerts) can be fired at /__scheduled.
  (no --config)                the demo config, dev/tagwire.config.toml ([env.dev]): every destination dry_run
  --config tagwire.config.toml your production config, with every destination forced to dry_run
  --config PATH                any other config file (TOML or JSON), e.g. a copy with debug = false: validated
                               first, then run in [env.dev] as the TAGWIRE_CONFIG var (it replaces the bundled
                               file), every destination forced to dry_run. Restart to pick up an edit.
  TAGWIRE_FORCE_DRY_RUN=1      (environment) force dry_run for the demo config too: nothing is ever sent

Every other flag goes to wrangler dev as it is (--port 9000, --ip 0.0.0.0, --persist-to DIR...). Note that
wrangler's own -c/--config names a wrangler.toml: here --config is Tagwire's config. wrangler dev's flags:
npx wrangler dev --help`;

/** The config files a wrangler environment bundles (its `main` imports one): which environment runs which. */
const BUNDLED: Record<string, string | null> = { "tagwire.config.toml": null, "dev/tagwire.config.toml": "dev" };

/** wrangler splits `--var NAME:VALUE` on the first colon; one argument stays below Linux's 128 KiB per argument. */
const MAX_VAR_BYTES = 120_000;

export interface StartPlan {
  args: string[];
  forced: boolean;
  /** A config file no environment bundles, validated: it runs as the TAGWIRE_CONFIG var. */
  config?: { path: string; parsed: Config };
}

export function startArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  read: (path: string) => string = (path) => readFileSync(path, "utf8"),
): StartPlan | { error: string } {
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
  let own: StartPlan["config"];
  const vars: string[] = [];
  if (config === "") return { error: "--config needs a path to a config file" };
  if (config !== undefined) {
    const rel = relative(process.cwd(), resolve(config));
    if (rel in BUNDLED) {
      wranglerEnv = BUNDLED[rel]!;
      // Your own config, run locally: it must never reach the real vendors.
      if (wranglerEnv === null) forced = true;
    } else {
      let text: string;
      try {
        text = read(config);
      } catch (e) {
        return { error: `--config ${config}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
      }
      const loaded = parseConfig(text, config);
      if (!loaded.ok) return { error: `--config ${config} is invalid (${loaded.problems.length} problem(s)):\n${formatProblems(loaded.problems)}` };
      // The Worker reads the var as the config (src/config/bundled.ts); JSON, since a var is one line.
      const json = JSON.stringify(text.trimStart().startsWith("{") ? JSON.parse(text) : parseToml(text));
      if (json.length > MAX_VAR_BYTES) return { error: `--config ${config}: too big to pass as a var (${json.length} bytes of JSON; at most ${MAX_VAR_BYTES})` };
      vars.push("--var", `TAGWIRE_CONFIG:${json}`);
      own = { path: config, parsed: loaded.config };
      // Whatever it holds, a config run locally must never reach the real vendors.
      forced = true;
    }
  }
  // Defaults the caller may override (wrangler refuses a flag given twice).
  const given = (flag: string) => rest.some((a) => a === flag || a.startsWith(`${flag}=`));
  const args = ["dev", ...(wranglerEnv ? ["--env", wranglerEnv] : [])];
  if (!given("--ip")) args.push("--ip", "127.0.0.1");
  if (!given("--port")) args.push("--port", "8787");
  args.push("--test-scheduled");
  if (forced) args.push("--var", "TAGWIRE_FORCE_DRY_RUN:1");
  args.push(...vars);
  return { args: [...args, ...rest], forced, ...(own ? { config: own } : {}) };
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
function inspectorLine(args: readonly string[], own?: Config): string {
  const i = args.indexOf("--env");
  if (own) {
    const url = inspectorUrl(args, own.prefix);
    return own.debug ? `Inspector (buttons that send test events through the SDK): ${url}` : `Inspector: ${url}`;
  }
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
  const argv = process.argv.slice(2);
  // Ours first: wrangler's help describes its own -c/--config, which is not this one.
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE.trim());
    process.exit(0);
  }
  const plan = startArgs(argv, process.env);
  if ("error" in plan) {
    console.error(`✗ ${plan.error}`);
    process.exit(2);
  }
  if (plan.config) console.error(`Config: ${plan.config.path} (version ${plan.config.parsed.version}), as the TAGWIRE_CONFIG var in [env.dev]`);
  if (plan.forced) console.error("TAGWIRE_FORCE_DRY_RUN: every destination runs in dry_run; the inspector shows what would be sent.");
  console.error(inspectorLine(plan.args, plan.config?.parsed));
  const child = spawn("wrangler", plan.args, {
    stdio: "inherit",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_PATH: process.env.CLOUDFLARE_CF_FETCH_PATH ?? "./dev/cf.json" },
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
