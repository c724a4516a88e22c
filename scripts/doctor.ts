/** npm run doctor -- --host t.shop.example.com --site shop.example.com: is this deployment ready for real traffic? */
import { Resolver } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { cli, die } from "./cli.ts";
import { readConfigSource } from "./config-file.ts";
import { doctor, type Verdict } from "./doctor/run.ts";
import { loadFilterLists } from "./doctor/lists.ts";
import { routesOf } from "./doctor/routes.ts";
import { deployedSecretNames, localSecretNames } from "./secrets.ts";

const USAGE = `
npm run doctor -- --host t.shop.example.com --site shop.example.com [--env NAME] [--list FILE|URL]... [--offline]

Checks a deployment, each check with a verdict and the fix:
  DNS of the tracking host and the site, and Safari's IP-address rule (cookies capped at 7 days when the
  tracking host's address does not share the first half of the site's); that wrangler.toml's routes or custom
  domains serve the host and prefix; that the prefix, route names, SDK global and cookie names match no rule of
  real filter lists; that every secret the config names exists; that the cookie domain covers host and site.

  --host NAME      the host the Worker answers on (t.shop.example.com; the site's own host for a route)
  --site NAME      the site whose pages load the SDK (shop.example.com)
  --env NAME       wrangler.toml environment (default: the top level, production)
  --list FILE|URL  a filter list in Adblock Plus syntax (repeatable). Always checked: Ghostery's tracker
                   database (@ghostery/trackerdb, offline); online also EasyPrivacy and AdGuard Tracking Protection
  --secrets FROM   local (.dev.vars), deployed (wrangler secret list, needs wrangler login; default) or skip
  --offline        no network: skip DNS, downloaded lists and wrangler (each says so)
Exit code 1 when a check fails.`;

const { values } = cli("doctor", USAGE, {
  host: { type: "string" },
  site: { type: "string" },
  env: { type: "string" },
  config: { type: "string" },
  list: { type: "string", multiple: true },
  secrets: { type: "string" },
  offline: { type: "boolean", default: false },
});
if (!values.host || !values.site) die("doctor", "--host and --site are required (npm run doctor -- --help)");
const offline = values.offline;

const wranglerPath = values.config ?? "wrangler.toml";
const { raw, where } = readConfigSource([...(values.env ? ["--env", values.env] : []), "--config", wranglerPath]);
const loaded = parseConfig(raw);
if (!loaded.ok) die("doctor", `${where} is invalid (npm run config:check):\n${formatProblems(loaded.problems)}`, 1);

const { lists, notes } = await loadFilterLists(values.list ?? [], offline);

const from = values.secrets ?? "deployed";
const secrets =
  from === "skip" ? ({ names: null, why: "--secrets skip" } as const)
  : from === "local" ? localSecretNames(process.cwd(), values.env)
  : offline ? ({ names: null, why: "not checked (--offline); --secrets local checks .dev.vars" } as const)
  : await deployedSecretNames(values.env);

const verdicts = await doctor({
  host: values.host,
  site: values.site,
  cfg: loaded.config,
  routes: routesOf(parse(readFileSync(wranglerPath, "utf8")) as Record<string, unknown>, values.env),
  resolver: offline ? null : new Resolver({ timeout: 5_000, tries: 2 }),
  lists,
  secrets,
});

const mark: Record<Verdict["status"], string> = { ok: "✓", warn: "!", fail: "✗", skip: "-" };
console.log(`doctor: ${values.host} for ${values.site}, config ${where}`);
for (const v of verdicts) {
  console.log(`${mark[v.status]} ${v.check}: ${v.detail}`);
  if (v.fix && v.status !== "ok") console.log(`    fix: ${v.fix}`);
}
for (const n of notes) console.log(`- ${n}`);
const failed = verdicts.filter((v) => v.status === "fail").length;
console.log(failed ? `${failed} check(s) failed` : "no check failed");
process.exit(failed ? 1 : 0);
