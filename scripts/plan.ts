/** npm run plan [-- --env dev | --file path.toml]: prints the tracking plan of an environment's config as Markdown. */
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { planMarkdown } from "../src/config/planDoc.ts";
import { cli } from "./cli.ts";
import { readConfigSource } from "./config-file.ts";

const USAGE = `
npm run plan [-- --env NAME | --file config.json] > PLAN.md

Prints the tracking plan (events, properties, values, where each goes) as a Markdown document.
  --env NAME      the config of wrangler.toml's [env.NAME] (default: the top level, production)
  --file PATH     a config file (.json, or a .toml with [vars.TAGWIRE_CONFIG])
  --config PATH   another wrangler.toml`;

cli("plan", USAGE, { env: { type: "string" }, file: { type: "string" }, config: { type: "string" } });
const { raw, where } = readConfigSource(process.argv.slice(2));
const loaded = parseConfig(raw, where);
if (!loaded.ok) {
  console.error(`✗ ${where} is invalid:\n${formatProblems(loaded.problems)}`);
  process.exit(1);
}
process.stdout.write(planMarkdown(loaded.config));
