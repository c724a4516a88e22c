/**
 * Turns a raw config (the text of tagwire.config.toml, or the `TAGWIRE_CONFIG` var: a TOML table, a JSON string
 * or TOML text) into a validated config, with errors that name the key, what was expected and what was found.
 * Cached per isolate.
 */
import { parse as parseToml, TomlError } from "smol-toml";
import type { z } from "zod";
import { Config } from "./schema.ts";

export interface ConfigProblem {
  path: string;
  message: string;
}

export type LoadedConfig = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const s = String(seg);
      out += /^[A-Za-z_$][\w$]*$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

function describeFound(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "object") return "an object";
  const s = JSON.stringify(input);
  return `${typeof input} ${s.length > 60 ? s.slice(0, 57) + "..." : s}`;
}

// A value under a key like these may be a secret pasted where its NAME belongs: never echo it.
const SENSITIVE_KEY = /secret|token|password|key$/i;

export function issuesToProblems(issues: readonly z.core.$ZodIssue[], root: string): ConfigProblem[] {
  return issues.map((issue) => {
    const path = formatPath([...(root ? [root] : []), ...issue.path]);
    let message = issue.message;
    const last = String(issue.path[issue.path.length - 1] ?? "");
    const input = (issue as { input?: unknown }).input;
    if (issue.code === "invalid_type" && input === undefined) {
      // zod says "expected string, received undefined": for people, the key is simply missing.
      message = `required: a ${issue.expected}, and it is missing`;
    } else if (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_format") {
      message += SENSITIVE_KEY.test(last) && typeof input === "string" ? " (value not shown)" : ` (found ${describeFound(input)})`;
    }
    if (issue.code === "unrecognized_keys") message = `unknown key(s): ${issue.keys.join(", ")}`;
    if (issue.code === "invalid_key") message = `invalid key: ${issue.issues[0]?.message ?? issue.message}`;
    return { path: path || root, message };
  });
}

let cache: { raw: unknown; result: LoadedConfig } | undefined;

/** Configs already validated here and handed on through env (a forced dry run, bundled.ts): passed through as they are. */
const validated = new WeakSet<object>();
export function validatedConfig(config: Config): Config {
  validated.add(config);
  return config;
}

/**
 * Parses once per isolate: the Worker passes the same bundled text (or the same var) on every request.
 * `source` names where the config came from in a problem about the whole of it (a TOML syntax error).
 */
export function loadConfig(raw: unknown, source = "TAGWIRE_CONFIG"): LoadedConfig {
  if (cache && cache.raw === raw) return cache.result;
  if (typeof raw === "object" && raw !== null && validated.has(raw)) return { ok: true, config: raw as Config };
  const result = parseConfig(raw, source);
  cache = { raw, result };
  return result;
}

export function parseConfig(raw: unknown, source = "TAGWIRE_CONFIG"): LoadedConfig {
  let value = raw;
  if (raw === undefined || raw === null || raw === "") {
    return { ok: false, problems: [{ path: source, message: "is not set (write the config in tagwire.config.toml)" }] };
  }
  if (typeof raw === "string") {
    const text = parseText(raw, source);
    if (!text.ok) return text;
    value = text.value;
  }
  const parsed = Config.safeParse(value, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: issuesToProblems(parsed.error.issues, "") };
  return { ok: true, config: parsed.data };
}

/** A config as text: JSON when it starts with `{` (the var as a JSON string), TOML otherwise (a config file). */
function parseText(raw: string, source: string): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  if (raw.trimStart().startsWith("{")) {
    try {
      return { ok: true, value: JSON.parse(raw) };
    } catch (e) {
      return { ok: false, problems: [{ path: source, message: `is a string but not valid JSON: ${(e as Error).message}` }] };
    }
  }
  try {
    return { ok: true, value: parseToml(raw) };
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    // smol-toml's message is "Invalid TOML document: <what>" followed by a code frame; keep the what.
    const what = e.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    return { ok: false, problems: [{ path: source, message: `is not valid TOML at line ${e.line}, column ${e.column}: ${what}` }] };
  }
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join("\n");
}
