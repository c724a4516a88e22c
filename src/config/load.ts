/**
 * Turns the raw `TAGWIRE_CONFIG` var (a TOML table, or the same as a JSON string) into a validated config,
 * with errors that name the key, what was expected and what was found. Cached per isolate.
 */
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
    if (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_format") {
      message += SENSITIVE_KEY.test(last) && typeof input === "string" ? " (value not shown)" : ` (found ${describeFound(input)})`;
    }
    if (issue.code === "unrecognized_keys") message = `unknown key(s): ${issue.keys.join(", ")}`;
    if (issue.code === "invalid_key") message = `invalid key: ${issue.issues[0]?.message ?? issue.message}`;
    return { path: path || root, message };
  });
}

let cache: { raw: unknown; result: LoadedConfig } | undefined;

export function loadConfig(raw: unknown): LoadedConfig {
  if (cache && cache.raw === raw) return cache.result;
  const result = parseConfig(raw);
  cache = { raw, result };
  return result;
}

export function parseConfig(raw: unknown): LoadedConfig {
  let value = raw;
  if (raw === undefined || raw === null || raw === "") {
    return { ok: false, problems: [{ path: "TAGWIRE_CONFIG", message: "is not set (add [vars.TAGWIRE_CONFIG] to wrangler.toml)" }] };
  }
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return {
        ok: false,
        problems: [{ path: "TAGWIRE_CONFIG", message: `is a string but not valid JSON: ${(e as Error).message}` }],
      };
    }
  }
  const parsed = Config.safeParse(value, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: issuesToProblems(parsed.error.issues, "") };
  return { ok: true, config: parsed.data };
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join("\n");
}
