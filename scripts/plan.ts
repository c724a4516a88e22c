/** npm run plan [-- --env dev | --file path.toml]: prints the tracking plan of an environment's config as Markdown. */
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { planMarkdown } from "../src/config/planDoc.ts";
import { readConfigSource } from "./config-file.ts";

const { raw, where } = readConfigSource(process.argv.slice(2));
const loaded = parseConfig(raw, where);
if (!loaded.ok) {
  console.error(`✗ ${where} is invalid:\n${formatProblems(loaded.problems)}`);
  process.exit(1);
}
process.stdout.write(planMarkdown(loaded.config));
