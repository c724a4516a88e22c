/**
 * Routing-rule conditions: their validated shape, and how one is evaluated against a canonical event.
 * Semantics (docs/routing-rules.md): no type coercion, a missing (or null) field matches only `exists = false`
 * and `ne`, ordering operators compare numbers only, `matches` tests strings only.
 */
import type { CanonicalEvent } from "../event/canonical.ts";

export const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "exists", "matches"] as const;
export type Operator = (typeof OPERATORS)[number];

export type Scalar = string | number | boolean | null;

export type Leaf =
  | { field: string; op: "eq" | "ne"; value: Scalar }
  | { field: string; op: "gt" | "gte" | "lt" | "lte"; value: number }
  | { field: string; op: "in"; value: Scalar[] }
  | { field: string; op: "exists"; value: boolean }
  | { field: string; op: "matches"; value: string };

export type Condition = Leaf | { all: Condition[] } | { any: Condition[] };

/** Top-level keys of the canonical event a condition or template may start from. */
export const EVENT_ROOTS = [
  "event_id",
  "name",
  "time",
  "received_at",
  "source",
  "anonymous_id",
  "session_id",
  "user_id",
  "properties",
  "value",
  "currency",
  "value_kind",
  "page",
  "campaign",
  "click_ids",
  "user",
  "context",
  "attribution",
  "consent",
] as const;

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_$-]+)*$/;
const MAX_DEPTH = 8;

export interface ConditionIssue {
  path: (string | number)[];
  message: string;
}

function found(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? s.slice(0, 37) + "..." : s}`;
}

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

/** A readable problem with a field path, or undefined when the path is usable. */
export function checkFieldPath(field: unknown): string | undefined {
  if (typeof field !== "string" || !PATH.test(field)) {
    return `expected a dotted path into the event such as "properties.score" (found ${found(field)})`;
  }
  const root = field.split(".")[0]!;
  if (!(EVENT_ROOTS as readonly string[]).includes(root)) {
    return `unknown field "${root}"; a path starts with one of ${EVENT_ROOTS.join(", ")}`;
  }
  return undefined;
}

function checkOperand(op: Operator, value: unknown): string | undefined {
  switch (op) {
    case "eq":
    case "ne":
      return isScalar(value) ? undefined : `${op} compares with a string, number, boolean or null (found ${found(value)})`;
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : `${op} compares numbers: value must be a number (found ${found(value)})`;
    case "in":
      return Array.isArray(value) && value.length > 0 && value.every(isScalar)
        ? undefined
        : `in needs a non-empty list of strings, numbers or booleans (found ${found(value)})`;
    case "exists":
      return value === undefined || typeof value === "boolean" ? undefined : `exists takes true or false (found ${found(value)})`;
    case "matches":
      if (typeof value !== "string") return `matches needs a regular expression as a string (found ${found(value)})`;
      try {
        new RegExp(value);
        return undefined;
      } catch (e) {
        return `regular expression does not compile: ${(e as Error).message}`;
      }
  }
}

/** Validates raw config into a Condition, collecting every problem with its path. */
export function parseCondition(raw: unknown, issues: ConditionIssue[], path: (string | number)[] = [], depth = 0): Condition | undefined {
  const shape = 'expected a condition: { field, op, value }, { all = [...] } or { any = [...] }';
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    issues.push({ path, message: `${shape} (found ${found(raw)})` });
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const keys = Object.keys(obj);
  if ("all" in obj || "any" in obj) {
    const group = "all" in obj ? "all" : "any";
    const extra = keys.filter((k) => k !== group);
    if (extra.length) {
      issues.push({ path, message: `a group has only "${group}" (unknown key(s): ${extra.join(", ")})` });
      return undefined;
    }
    if (depth >= MAX_DEPTH) {
      issues.push({ path, message: `conditions nest at most ${MAX_DEPTH} levels` });
      return undefined;
    }
    const list = obj[group];
    if (!Array.isArray(list) || list.length === 0) {
      issues.push({ path: [...path, group], message: `${group} needs a non-empty list of conditions (found ${found(list)})` });
      return undefined;
    }
    const parts = list.map((c, i) => parseCondition(c, issues, [...path, group, i], depth + 1));
    if (parts.some((p) => p === undefined)) return undefined;
    return group === "all" ? { all: parts as Condition[] } : { any: parts as Condition[] };
  }
  const extra = keys.filter((k) => k !== "field" && k !== "op" && k !== "value");
  if (extra.length) {
    issues.push({ path, message: `unknown key(s): ${extra.join(", ")} (a condition has field, op, value)` });
    return undefined;
  }
  const before = issues.length;
  const fieldProblem = checkFieldPath(obj.field);
  if (fieldProblem) issues.push({ path: [...path, "field"], message: fieldProblem });
  const op = obj.op;
  if (typeof op !== "string" || !(OPERATORS as readonly string[]).includes(op)) {
    issues.push({ path: [...path, "op"], message: `unknown operator ${found(op)}; expected one of ${OPERATORS.join(", ")}` });
  } else {
    const operandProblem = checkOperand(op as Operator, obj.value);
    if (operandProblem) issues.push({ path: [...path, "value"], message: operandProblem });
  }
  if (issues.length > before) return undefined;
  const value = op === "exists" ? (obj.value ?? true) : obj.value;
  return { field: obj.field as string, op: op as Operator, value } as Leaf;
}

/** The value at a dotted path (`properties.items.0.id`); undefined when any step is missing. */
export function valueAt(event: CanonicalEvent, path: string): unknown {
  let cur: unknown = event;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) {
    r = new RegExp(source);
    if (regexCache.size < 1000) regexCache.set(source, r);
  }
  return r;
}

function leafMatches(c: Leaf, event: CanonicalEvent): boolean {
  const v = valueAt(event, c.field);
  const present = v !== undefined && v !== null;
  switch (c.op) {
    case "exists":
      return present === c.value;
    case "eq":
      return v === c.value || (v === undefined && c.value === null);
    case "ne":
      return !(v === c.value || (v === undefined && c.value === null));
    case "gt":
      return typeof v === "number" && v > c.value;
    case "gte":
      return typeof v === "number" && v >= c.value;
    case "lt":
      return typeof v === "number" && v < c.value;
    case "lte":
      return typeof v === "number" && v <= c.value;
    case "in":
      return present && c.value.includes(v as Scalar);
    case "matches":
      return typeof v === "string" && regex(c.value).test(v);
  }
}

export function conditionMatches(c: Condition, event: CanonicalEvent): boolean {
  if ("all" in c) return c.all.every((x) => conditionMatches(x, event));
  if ("any" in c) return c.any.some((x) => conditionMatches(x, event));
  return leafMatches(c, event);
}
