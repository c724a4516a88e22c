/** npm run prefix -- --new | --check /abc: a fresh, lint-clean prefix for a rotation, or a check of one. */
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { cli, die } from "./cli.ts";
import { readConfigSource } from "./config-file.ts";
import { compileLists } from "./doctor/filters.ts";
import { loadFilterLists } from "./doctor/lists.ts";
import { lintPrefix, proposePrefix } from "./prefix/propose.ts";

const USAGE = `
npm run prefix -- --new [--env NAME] [--list FILE|URL]... [--offline]
npm run prefix -- --check /abc

--new proposes a random prefix that passes the config's lint and matches no rule of the filter lists (with
the configured route names under it), and prints the config change for a rotation that breaks no page: the
new prefix becomes \`prefix\`, the old one stays served in \`previous_prefixes\` until cached pages are gone.
--check tells whether a given prefix is clean, and which rule matches it if not.
  --env NAME       wrangler.toml environment whose config to read (default: the top level)
  --list FILE|URL  another filter list (repeatable); Ghostery's tracker database is always used, EasyPrivacy and
                   AdGuard Tracking Protection when online
  --offline        do not download lists`;

const { values } = cli("prefix", USAGE, {
  new: { type: "boolean", default: false },
  check: { type: "string" },
  env: { type: "string" },
  list: { type: "string", multiple: true },
  offline: { type: "boolean", default: false },
});
if (!values.new && !values.check) die("prefix", "say --new or --check /abc (npm run prefix -- --help)");

const { raw, where } = readConfigSource(values.env ? ["--env", values.env] : []);
const loaded = parseConfig(raw);
if (!loaded.ok) die("prefix", `${where} is invalid (npm run config:check):\n${formatProblems(loaded.problems)}`, 1);
const cfg = loaded.config;
const { lists, notes } = await loadFilterLists(values.list ?? [], values.offline);
const against = `checked against ${lists.map((l) => l.name).join(", ")}`;

if (values.check) {
  const lint = lintPrefix(values.check, cfg, compileLists(lists));
  if (lint.problems.length) {
    console.log(`✗ ${values.check}:\n${lint.problems.map((p) => `  ${p}`).join("\n")}`);
  } else {
    console.log(`✓ ${values.check} is clean (${against})`);
  }
  for (const n of notes) console.log(`- ${n}`);
  process.exit(lint.problems.length ? 1 : 0);
}

const { prefix } = proposePrefix(cfg, lists);
const keep = [cfg.prefix, ...cfg.previous_prefixes].filter((p) => p !== "");
console.log(`New prefix: ${prefix} (${against})
${notes.map((n) => `- ${n}\n`).join("")}
In ${where.replace(/ vars\.TAGWIRE_CONFIG$/, "")}'s config:
  prefix = "${prefix}"
  previous_prefixes = [${keep.map((p) => JSON.stringify(p)).join(", ")}]

Then: npm run deploy; put the new snippet in your pages (npm run snippet -- --host YOUR_HOST); after 8 days
(the SDK URL's day of caching plus a week of stale-while-revalidate) drop the old prefixes from previous_prefixes.`);
