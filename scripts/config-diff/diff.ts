/**
 * What a deploy would change in the config, grouped the way a reviewer thinks: events, destinations, rules,
 * consent, the rest. Compares validated configs (defaults applied), so a key spelled out at its default value
 * is no change. Whole events, destinations and rules that appear or go are one line each.
 */
import type { Config } from "../../src/config/schema.ts";

export interface Change {
  kind: "added" | "removed" | "changed";
  path: string;
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Arrays of named objects (rules) compare by name, so reordering is not a change of every rule. */
function keyed(v: unknown): unknown {
  if (Array.isArray(v) && v.length > 0 && v.every((x) => isObject(x) && typeof x.name === "string")) {
    return Object.fromEntries((v as { name: string }[]).map((x) => [x.name, x]));
  }
  return v;
}

function walk(a: unknown, b: unknown, path: string, out: Change[]): void {
  a = keyed(a);
  b = keyed(b);
  // An emptied list of named objects is every name removed (and the reverse).
  if (Array.isArray(a) && a.length === 0 && isObject(b)) a = {};
  if (Array.isArray(b) && b.length === 0 && isObject(a)) b = {};
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      walk(a[k], b[k], path ? `${path}.${k}` : k, out);
    }
    return;
  }
  if (a === undefined && b !== undefined) out.push({ kind: "added", path, after: b });
  else if (a !== undefined && b === undefined) out.push({ kind: "removed", path, before: a });
  else if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ kind: "changed", path, before: a, after: b });
}

export function diffConfigs(before: Config, after: Config): Change[] {
  const out: Change[] = [];
  walk(before, after, "", out);
  return out;
}

const AREAS: [string, RegExp][] = [
  ["events", /^plan\./],
  ["destinations", /^destinations\./],
  ["rules", /^rules(\.|$)/],
  ["consent", /^consent\./],
  ["names and cookies", /^(prefix|previous_prefixes|routes|sdk_global|cookies|allowed_origins)(\.|$)/],
  ["data residency", /^residency$/],
];

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

export function formatChanges(changes: readonly Change[]): string {
  if (changes.length === 0) return "no change\n";
  const groups = new Map<string, string[]>();
  for (const c of changes) {
    const area = AREAS.find(([, re]) => re.test(c.path))?.[0] ?? "other";
    const line =
      c.kind === "added" ? `  + ${c.path}${isObject(c.after) ? " (new)" : ` = ${show(c.after)}`}`
      : c.kind === "removed" ? `  - ${c.path}${isObject(c.before) ? " (removed)" : ` (was ${show(c.before)})`}`
      : `  ~ ${c.path}: ${show(c.before)} → ${show(c.after)}`;
    groups.set(area, [...(groups.get(area) ?? []), line]);
  }
  return [...AREAS.map(([a]) => a), "other"]
    .filter((a) => groups.has(a))
    .map((a) => `${a}\n${groups.get(a)!.join("\n")}\n`)
    .join("");
}
