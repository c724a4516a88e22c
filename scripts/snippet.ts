/** npm run snippet -- --host t.shop.example.com: prints the <head> snippet for your own host and config. */
import { formatProblems, parseConfig } from "../src/config/load.ts";
import { cli, die } from "./cli.ts";
import { readConfigSource } from "./config-file.ts";
import { snippetHtml } from "./snippet/html.ts";

const USAGE = `
npm run snippet -- --host t.shop.example.com [--env NAME] [--versioned]

Prints the <head> snippet that loads the SDK from your host, with the config's prefix, SDK route name and
global name (window.tagwire unless sdk_global says otherwise). Paste it into every page.
  --host NAME    the host the Worker answers on (for a route on your site, the site's own host)
  --env NAME     wrangler.toml environment whose config to read (default: the top level, production)
  --versioned    load the SDK from its versioned URL (<sdk>.<hash>.js, cached for a year): print again after
                 each SDK change, or pages keep the old build (they are redirected to the current one)`;

const { values } = cli("snippet", USAGE, { host: { type: "string" }, env: { type: "string" }, versioned: { type: "boolean", default: false } });
if (!values.host) die("snippet", "--host is required (npm run snippet -- --help)");
const host = values.host.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
const { raw, where } = readConfigSource(values.env ? ["--env", values.env] : []);
const loaded = parseConfig(raw);
if (!loaded.ok) die("snippet", `${where} is invalid (npm run config:check):\n${formatProblems(loaded.problems)}`, 1);
process.stdout.write(snippetHtml(loaded.config, host, values.versioned));
