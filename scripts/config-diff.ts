/** npm run config:diff -- --env production: what a deploy would change in the config, against what runs now. */
import { execFileSync } from "node:child_process";
import { residencyChange } from "../src/config/checks.ts";
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { cli, die } from "./cli.ts";
import { readConfigSource } from "./config-file.ts";
import { deployedConfig } from "./config-diff/deployed.ts";
import { diffConfigs, formatChanges } from "./config-diff/diff.ts";
import { run } from "./secrets.ts";

const USAGE = `
npm run config:diff -- [--env NAME] [--against deployed|REF|FILE] [--offline]

Shows what deploying this working tree would change in the config (events, destinations, rules, consent,
names), compared with:
  deployed  the version running now, read with wrangler (needs wrangler login); when wrangler cannot tell
            (offline, not logged in, or a config bundled into the script), the last commit (git HEAD)
  REF       a git commit, branch or tag (HEAD~1, v1.4), its wrangler.toml
  FILE      a config file (.json, or .toml with [vars.TAGWIRE_CONFIG])
It always says which one it compared with.
  --env NAME   wrangler.toml environment; "production" means the top level (default)
  --offline    do not ask wrangler`;

const { values } = cli("config:diff", USAGE, {
  env: { type: "string" },
  against: { type: "string", default: "deployed" },
  config: { type: "string" },
  offline: { type: "boolean", default: false },
});
const env = values.env === "production" ? undefined : values.env;
const wranglerPath = values.config ?? "wrangler.toml";
const sourceArgs = (path: string) => [...(env ? ["--env", env] : []), "--config", path];

const parse = (raw: unknown, where: string) => {
  const loaded = parseConfig(raw);
  if (!loaded.ok) die("config:diff", `${where} is invalid:\n${formatProblems(loaded.problems)}`, 1);
  return loaded.config;
};

async function atGitRef(ref: string): Promise<{ raw: unknown; where: string }> {
  await run("git", ["show", `${ref}:./${wranglerPath}`]).catch((e: Error) => die("config:diff", `git show ${ref}:${wranglerPath}: ${e.message}`));
  // wrangler.toml, its entry and the config file that entry bundles, all as of that commit.
  const read = (path: string) => execFileSync("git", ["show", `${ref}:./${path}`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { raw: readConfigSource(sourceArgs(wranglerPath), read).raw, where: `git ${ref}` };
}

const now = readConfigSource(sourceArgs(wranglerPath));
const after = parse(now.raw, now.where);
let base: { raw: unknown; where: string };
const notes: string[] = [];
if (values.against === "deployed") {
  const d = values.offline ? ({ raw: null, why: "--offline" } as const) : await deployedConfig(env);
  if (!("why" in d)) base = { raw: d.raw, where: d.from };
  else {
    notes.push(`not compared with the deployment: ${d.why}; compared with the last commit instead`);
    base = await atGitRef("HEAD");
  }
} else if (/\.(json|toml)$/.test(values.against)) {
  const src = readConfigSource(["--file", values.against]);
  base = { raw: src.raw, where: src.where };
} else {
  base = await atGitRef(values.against);
}
const before = parse(base.raw, base.where);

console.log(`config:diff ${values.env ?? "production"}: ${now.where} against ${base.where}`);
for (const n of notes) console.log(`- ${n}`);
process.stdout.write(formatChanges(diffConfigs(before, after)));
const moved = residencyChange(before, after);
if (moved) console.log(`! ${moved.path}: ${moved.message}`);
