/** npm run config:check [-- --env dev | --file path.toml]: validates an environment's config and prints readable errors. */
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { readConfigSource } from "./config-file.ts";

const { raw, where } = readConfigSource(process.argv.slice(2));
const loaded = parseConfig(raw, where);
if (!loaded.ok) {
  console.error(`✗ ${where} is invalid (${loaded.problems.length} problem(s)):\n${formatProblems(loaded.problems)}`);
  process.exit(1);
}
const c = loaded.config;
console.log(`✓ ${where} is valid (version ${c.version})`);
console.log(`  prefix ${c.prefix || "(root)"}; ${Object.keys(c.plan.events).length} event(s) in the plan; unknown events: ${c.plan.unknown_events}`);
for (const [id, d] of Object.entries(c.destinations)) {
  console.log(`  destination ${id}: ${d.type}, ${d.enabled ? d.mode : "disabled"}`);
}
