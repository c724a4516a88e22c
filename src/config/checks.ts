/**
 * Checks a valid config cannot express in its schema because they need the world around it: the secrets the
 * Worker really has, whether the cookie domain covers the sites that send events, placeholders left in a
 * production config, and the closest known key for a typo. Pure: the caller says which secrets exist.
 */
import { parse as parseToml } from "smol-toml";
import type { z } from "zod";
import { formatPath } from "./load.ts";
import { Config } from "./schema.ts";
import { secretRefs } from "./secretRefs.ts";

export interface Finding {
  level: "error" | "warning";
  path: string;
  message: string;
}

export interface CheckInput {
  /** Secret names the Worker has (`.dev.vars` locally, `wrangler secret list` deployed); null: unknown, skip. */
  secrets: ReadonlySet<string> | null;
  /** Production configs must not keep example.com placeholders. */
  production: boolean;
  /** The config as written (before defaults), to find placeholders in what the user typed. */
  raw?: unknown;
}

export { secretRefs, type SecretRef } from "./secretRefs.ts";

/** True when a cookie with Domain=`domain` is sent to `host` (RFC 6265 §5.1.3 domain-match). */
export function domainCovers(domain: string, host: string): boolean {
  const d = domain.replace(/^\./, "").toLowerCase();
  const h = host.toLowerCase();
  return h === d || h.endsWith(`.${d}`);
}

const PLACEHOLDER = /(^|[.@/])example\.(com|org|net)\b/i;

function placeholders(value: unknown, path: (string | number)[], out: Finding[]): void {
  if (typeof value === "string") {
    if (PLACEHOLDER.test(value)) {
      out.push({ level: "error", path: formatPath(path), message: `"${value}" is a placeholder (example.com): put your own domain here` });
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => placeholders(v, [...path, i], out));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) placeholders(v, [...path, k], out);
  }
}

/** The config as written: the var may hold it as a JSON string. */
function asObject(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function checkConfig(cfg: Config, input: CheckInput): Finding[] {
  const out: Finding[] = [];

  if (input.secrets) {
    for (const ref of secretRefs(cfg)) {
      if (input.secrets.has(ref.name)) continue;
      out.push({
        level: ref.required ? "error" : "warning",
        path: ref.path,
        message: `secret ${ref.name} is not set: ${ref.effect} (wrangler secret put ${ref.name}; locally a line in .dev.vars)`,
      });
    }
  }

  const domain = cfg.cookies.domain;
  if (domain && cfg.allowed_origins.length > 0) {
    const uncovered = cfg.allowed_origins.filter((o) => !domainCovers(domain, new URL(o).hostname));
    if (uncovered.length === cfg.allowed_origins.length) {
      out.push({
        level: "error",
        path: "cookies.domain",
        message: `"${domain}" covers none of allowed_origins (${uncovered.join(", ")}): visitor ids would not be shared with the site`,
      });
    } else {
      for (const o of uncovered) {
        out.push({ level: "warning", path: "cookies.domain", message: `"${domain}" does not cover ${o}: visitors there get a separate id` });
      }
    }
  }

  if (input.production) placeholders(asObject(input.raw) ?? cfg, [], out);
  return out;
}

/**
 * A change of `residency` moves nothing: objects already created stay in their old place, and the new
 * jurisdiction starts empty (dedupe keys, dead letters, counters, persons, the ledger). A migration, not a
 * setting: config:diff and config:check say so.
 */
export function residencyChange(before: Config, after: Config): Finding | undefined {
  if (before.residency === after.residency) return undefined;
  const name = (r: Config["residency"]) => (r ? `"${r}"` : "none");
  return {
    level: "warning",
    path: "residency",
    message:
      `changes from ${name(before.residency)} to ${name(after.residency)}: existing Durable Objects stay where they are and ` +
      `the new jurisdiction starts empty (dedupe keys, dead letters, counters, persons, ledger); queues keep the jurisdiction ` +
      `they were created with. Plan it as a migration (docs/rollouts.md#changing-residency)`,
  };
}

// ---- "did you mean": the closest known key for an unknown one ----

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known key closest to `key`, when it is close enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

type AnySchema = z.core.$ZodType;

/** The object keys the schema accepts at `path` of `raw` (unwrapping defaults, records and unions). */
function keysAt(schema: AnySchema, path: readonly PropertyKey[], raw: unknown): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "default":
    case "optional":
    case "nullable":
    case "prefault":
      return keysAt(def.innerType as AnySchema, path, raw);
    case "pipe":
      return keysAt(def.in as AnySchema, path, raw);
    case "object": {
      const shape = def.shape as Record<string, AnySchema>;
      if (path.length === 0) return Object.keys(shape);
      const [head, ...rest] = path;
      const next = shape[String(head)];
      return next ? keysAt(next, rest, (raw as Record<string, unknown> | undefined)?.[String(head)]) : [];
    }
    case "record":
      if (path.length === 0) return [];
      return keysAt(def.valueType as AnySchema, path.slice(1), (raw as Record<string, unknown> | undefined)?.[String(path[0])]);
    case "array":
      if (path.length === 0) return [];
      return keysAt(def.element as AnySchema, path.slice(1), (raw as unknown[] | undefined)?.[Number(path[0])]);
    case "union": {
      const options = def.options as AnySchema[];
      // A discriminated union (destinations): the option whose `type` literal matches the block's type.
      const type = (raw as { type?: unknown } | undefined)?.type;
      const match = options.find((o) => {
        const shape = (o._zod.def as unknown as { shape?: Record<string, AnySchema> }).shape;
        const lit = shape?.type?._zod.def as unknown as { values?: unknown[] } | undefined;
        return lit?.values?.includes(type);
      });
      if (match) return keysAt(match, path, raw);
      return [...new Set(options.flatMap((o) => keysAt(o, path, raw)))];
    }
    default:
      return [];
  }
}

/** For each unknown key in the raw config: where it is and the known key it most likely means. */
export function keyTypos(raw: unknown): Finding[] {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = raw.trimStart().startsWith("{") ? JSON.parse(raw) : parseToml(raw);
    } catch {
      return [];
    }
  }
  const parsed = Config.safeParse(value);
  if (parsed.success) return [];
  const out: Finding[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const known = keysAt(Config, issue.path, value);
    for (const key of issue.keys) {
      const guess = closestKey(key, known);
      out.push({
        level: "error",
        path: formatPath([...issue.path, key]),
        message: guess ? `unknown key "${key}": did you mean "${guess}"?` : `unknown key "${key}" (known here: ${known.join(", ")})`,
      });
    }
  }
  return out;
}
