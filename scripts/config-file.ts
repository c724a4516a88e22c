/**
 * Finds the config a wrangler environment runs with, the way the Worker does: the TAGWIRE_CONFIG var of that
 * environment in wrangler.toml when it is set, otherwise the config file its entry (`main`) bundles.
 * `--file PATH` reads a config file (TOML or JSON) directly.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse } from "smol-toml";

export interface ConfigSource {
  /** The config as the Worker would get it: file text (TOML or JSON) or the var's value. */
  raw: unknown;
  /** Where it came from, for messages (and the path of a problem about the whole file). */
  where: string;
}

// An entry names its config file in one import: `import text from "./tagwire.config.toml";`.
const CONFIG_IMPORT = /^import\s+\w+\s+from\s+["']([^"']+\.toml)["']/m;

/** Reads a file of the working tree; config:diff passes one that reads a git commit's files instead. */
export type ReadFile = (path: string) => string;
const readWorkingTree: ReadFile = (path) => readFileSync(path, "utf8");

export function readConfigSource(argv: string[], read: ReadFile = readWorkingTree): ConfigSource {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = arg("--file");
  if (file) return { raw: read(file), where: file };

  const env = arg("--env");
  const wranglerPath = arg("--config") ?? "wrangler.toml";
  const wrangler = parse(read(wranglerPath)) as {
    main?: string;
    vars?: { TAGWIRE_CONFIG?: unknown };
    env?: Record<string, { main?: string; vars?: { TAGWIRE_CONFIG?: unknown } }>;
  };
  const section = env ? wrangler.env?.[env] : wrangler;
  if (!section) throw new Error(`${wranglerPath} has no [env.${env}]`);
  const label = `${wranglerPath}${env ? ` [env.${env}]` : ""}`;

  const v = section.vars?.TAGWIRE_CONFIG;
  if (v !== undefined && v !== "") return { raw: v, where: `${label} vars.TAGWIRE_CONFIG (replaces the bundled file)` };

  // `main` is inherited from the top level when an environment does not set its own.
  const main = section.main ?? wrangler.main;
  if (!main) throw new Error(`${label} has no main, so no config file is bundled`);
  const mainPath = join(dirname(wranglerPath), main);
  const imported = CONFIG_IMPORT.exec(read(mainPath))?.[1];
  if (!imported) throw new Error(`${mainPath} (main of ${label}) imports no .toml config file; pass --file PATH`);
  const path = join(dirname(mainPath), imported);
  return { raw: read(path), where: relative(process.cwd(), path) || path };
}
