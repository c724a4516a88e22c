/** Reads TAGWIRE_CONFIG from wrangler.toml (top level or --env NAME) or from a JSON file (--file). */
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";

export interface ConfigSource {
  raw: unknown;
  where: string;
}

export function readConfigSource(argv: string[]): ConfigSource {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = arg("--file");
  if (file) {
    const text = readFileSync(file, "utf8");
    if (file.endsWith(".toml")) return { raw: (parse(text) as any).vars?.TAGWIRE_CONFIG, where: file };
    return { raw: JSON.parse(text), where: file };
  }
  const env = arg("--env");
  const path = arg("--config") ?? "wrangler.toml";
  const toml = parse(readFileSync(path, "utf8")) as any;
  const vars = env ? toml.env?.[env]?.vars : toml.vars;
  if (env && !toml.env?.[env]) throw new Error(`${path} has no [env.${env}]`);
  return { raw: vars?.TAGWIRE_CONFIG, where: `${path}${env ? ` [env.${env}]` : ""} vars.TAGWIRE_CONFIG` };
}
