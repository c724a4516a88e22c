/**
 * The config shape of routing rules (`[[rules]]`): a name, a `when` condition and a `then` that either limits
 * which destinations the event reaches or triggers an action on one destination. Errors name the key and say
 * what was expected; references to destinations and their actions are checked against the whole config.
 */
import { z } from "zod";
import { parseCondition, type Condition, type ConditionIssue } from "./condition.ts";

export type RuleThen =
  | { only_destinations: string[] }
  | { skip_destinations: string[] }
  | { destination: string; action: string; params: Record<string, unknown> };

/** A zod schema around a hand-written parser, whose messages say more than a union's "Invalid input". */
function checked<T>(parse: (raw: unknown, issues: ConditionIssue[]) => T | undefined) {
  return z.unknown().transform((raw, ctx): T => {
    const issues: ConditionIssue[] = [];
    const out = parse(raw, issues);
    if (out === undefined) {
      for (const i of issues) ctx.addIssue({ code: "custom", message: i.message, path: i.path, input: raw });
      return z.NEVER;
    }
    return out;
  });
}

const ConditionSchema = checked<Condition>((raw, issues) => parseCondition(raw, issues))
  .describe("{ field, op, value } with op one of eq, ne, gt, gte, lt, lte, in, exists, matches; or { all = [...] } / { any = [...] }");

const names = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");

function parseThen(raw: unknown, issues: ConditionIssue[]): RuleThen | undefined {
  const shape = "expected { only_destinations = [...] }, { skip_destinations = [...] } or { destination, action, ... }";
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    issues.push({ path: [], message: shape });
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  for (const key of ["only_destinations", "skip_destinations"] as const) {
    if (!(key in obj)) continue;
    const extra = Object.keys(obj).filter((k) => k !== key);
    if (extra.length) issues.push({ path: [], message: `${key} stands alone (unknown key(s): ${extra.join(", ")})` });
    else if (!names(obj[key])) issues.push({ path: [key], message: "expected a non-empty list of destination ids" });
    else return key === "only_destinations" ? { only_destinations: obj[key] as string[] } : { skip_destinations: obj[key] as string[] };
    return undefined;
  }
  const { destination, action, ...params } = obj;
  if (typeof destination !== "string" || typeof action !== "string") {
    if (typeof destination !== "string") issues.push({ path: ["destination"], message: `${shape}: destination id missing` });
    if (typeof action !== "string") issues.push({ path: ["action"], message: `${shape}: action name missing` });
    return undefined;
  }
  return { destination, action, params };
}

const ThenSchema = checked<RuleThen>(parseThen)
  .describe("only_destinations / skip_destinations, or an action on one destination with its parameters");

export const Rule = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, "a rule name in snake_case, e.g. hot_lead_task").describe("Shown in skip reasons and logs"),
    description: z.string().optional(),
    when: ConditionSchema,
    then: ThenSchema,
  })
  .describe("A routing rule: when the condition holds for an event, apply `then`");
export type Rule = z.infer<typeof Rule>;

export const Rules = z.array(Rule).default([]).describe("Routing rules, evaluated for every accepted event");

interface DestinationRef {
  type: string;
}

/**
 * Cross-checks rules against the configured destinations (ids exist, actions exist, parameters valid).
 * `actionsOf` gives a destination type's actions (the registry's), so rules never import destinations.
 */
export function checkRuleReferences(
  rules: readonly Rule[],
  destinations: Record<string, DestinationRef>,
  actionsOf: (type: string) => Record<string, z.ZodType>,
  addIssue: (path: (string | number)[], message: string) => void,
): void {
  const known = Object.keys(destinations);
  const list = known.join(", ") || "none";
  rules.forEach((rule, i) => {
    const t = rule.then;
    if ("only_destinations" in t || "skip_destinations" in t) {
      const key = "only_destinations" in t ? "only_destinations" : "skip_destinations";
      const ids = "only_destinations" in t ? t.only_destinations : t.skip_destinations;
      ids.forEach((id, j) => {
        if (!known.includes(id)) addIssue([i, "then", key, j], `no destination "${id}" is configured (known: ${list})`);
      });
      return;
    }
    const dest = destinations[t.destination];
    if (!dest) {
      addIssue([i, "then", "destination"], `no destination "${t.destination}" is configured (known: ${list})`);
      return;
    }
    const actions = actionsOf(dest.type);
    const schema = actions[t.action];
    if (!schema) {
      const offered = Object.keys(actions).join(", ") || "none";
      addIssue([i, "then", "action"], `destination "${t.destination}" (${dest.type}) has no action "${t.action}" (actions: ${offered})`);
      return;
    }
    const parsed = schema.safeParse(t.params);
    if (!parsed.success) {
      for (const iss of parsed.error.issues) {
        const message = iss.code === "unrecognized_keys" ? `unknown key(s): ${iss.keys.join(", ")}` : iss.message;
        addIssue([i, "then", ...(iss.path as (string | number)[])], message);
      }
    }
  });
}
