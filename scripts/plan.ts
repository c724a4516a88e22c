/** npm run plan [-- --env dev | --file config.json]: prints the tracking plan as a Markdown document. */
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { planMarkdown } from "../src/config/planDoc.ts";
import { readConfigSource } from "./config-file.ts";

const { raw, where } = readConfigSource(process.argv.slice(2));
const loaded = parseConfig(raw);
if (!loaded.ok) {
  console.error(`✗ ${where} is invalid:\n${formatProblems(loaded.problems)}`);
  process.exit(1);
}
process.stdout.write(planMarkdown(loaded.config));
