/** npm run config:check [-- --env dev | --file path.toml]: validates an environment's config and prints readable errors. */
import { execFileSync } from "node:child_process";
import { checkConfig, keyTypos, residencyChange, type Finding } from "../src/config/checks.ts";
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { cli } from "./cli.ts";
import { readConfigSource } from "./config-file.ts";
import { deployedSecretNames, localSecretNames } from "./secrets.ts";

const USAGE = `
npm run config:check [-- --env NAME | --file PATH] [--secrets local|deployed|skip]

Validates the Tagwire config and prints readable problems (exit code 1 when there is an error). Beyond the
schema it checks that every secret the config names exists, that cookies.domain covers allowed_origins, and
(production) that no example.com placeholder is left; an unknown key gets the closest known one. A change of
residency against the last commit is a warning: it moves no data (docs/rollouts.md).
  --env NAME       the config wrangler.toml's [env.NAME] runs with: its TAGWIRE_CONFIG var when set, else the
                   config file its entry bundles (default: the top level, production: tagwire.config.toml)
  --file PATH      a config file (TOML or JSON)
  --config PATH    another wrangler.toml
  --secrets FROM   where secret names come from: local (.dev.vars), deployed (wrangler secret list, needs
                   wrangler login) or skip. Default: local for --env dev, deployed otherwise.`;

const { values } = cli("config:check", USAGE, {
  env: { type: "string" },
  file: { type: "string" },
  config: { type: "string" },
  secrets: { type: "string" },
});
const sourceArgs = process.argv.slice(2).filter((a, i, all) => a !== "--secrets" && all[i - 1] !== "--secrets");
const { raw, where } = readConfigSource(sourceArgs);
const show = (f: Finding) => `  ${f.level === "error" ? "✗" : "!"} ${f.path}: ${f.message}`;
const loaded = parseConfig(raw, where);
if (!loaded.ok) {
  // Unknown keys are said once, by the typo finder with its "did you mean", not also as zod's bare list.
  const typos = keyTypos(raw);
  const rest = typos.length ? loaded.problems.filter((p) => !p.message.startsWith("unknown key(s):")) : loaded.problems;
  console.error(`✗ ${where} is invalid (${rest.length + typos.length} problem(s)):`);
  if (rest.length) console.error(formatProblems(rest));
  if (typos.length) console.error(typos.map(show).join("\n"));
  process.exit(1);
}
const c = loaded.config;
const production = values.env === undefined ? values.file === undefined : values.env === "production";
const from = values.secrets ?? (values.env === "dev" ? "local" : "deployed");
const secrets =
  from === "skip" ? ({ names: null, why: "--secrets skip" } as const)
  : from === "local" ? localSecretNames(process.cwd(), values.env)
  : await deployedSecretNames(values.env);
const findings = checkConfig(c, { secrets: secrets.names, production, raw });

/** The same config as of the last commit (git HEAD), or undefined outside git or when it is new. */
function committed(): unknown {
  const read = (path: string) => execFileSync("git", ["show", `HEAD:./${path}`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    return readConfigSource(sourceArgs, read).raw;
  } catch {
    return undefined;
  }
}
// Residency is a migration, not a setting: say so when this config changes it against the last commit.
const before = parseConfig(committed());
const moved = before.ok ? residencyChange(before.config, c) : undefined;
if (moved) findings.push({ ...moved, message: `${moved.message} [against the last commit]` });
const errors = findings.filter((f) => f.level === "error");

console.log(`${errors.length ? "✗" : "✓"} ${where} ${errors.length ? `has ${errors.length} error(s)` : "is valid"} (version ${c.version})`);
console.log(`  prefix ${c.prefix || "(root)"}; ${Object.keys(c.plan.events).length} event(s) in the plan; unknown events: ${c.plan.unknown_events}`);
for (const [id, d] of Object.entries(c.destinations)) {
  console.log(`  destination ${id}: ${d.type}, ${d.enabled ? d.mode : "disabled"}`);
}
console.log(secrets.names ? `  secrets checked against ${secrets.from}` : `  secrets not checked: ${secrets.why}`);
if (findings.length) console.log(findings.map(show).join("\n"));
process.exit(errors.length ? 1 : 0);
