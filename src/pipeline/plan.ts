/**
 * Applies the tracking plan to one validated event: name rules, the unknown-event policy, each property
 * rule, and the conversion value rule.
 */
import type { Config, EventPlan, PropertyRule } from "../config/schema.ts";
import { EVENT_NAME } from "../config/lints.ts";
import type { Violation } from "../event/canonical.ts";
import { isoCurrency } from "./currencies.ts";
import type { FieldError } from "./incoming.ts";

/** Events the SDK itself emits; always known even when the plan does not list them. */
export const SYSTEM_EVENTS: Record<string, EventPlan> = {
  page_viewed: {
    description: "A page (or SPA route) was viewed",
    owner: "tagwire",
    properties: {},
    additional_properties: true,
    destinations: {},
    conversion: false,
  },
  user_identified: {
    description: "The visitor was identified (identify())",
    owner: "tagwire",
    properties: {},
    additional_properties: true,
    destinations: {},
    conversion: false,
  },
};

export type PlanOutcome =
  | { kind: "reject"; errors: FieldError[] }
  | { kind: "drop"; reason: string }
  | {
      kind: "accept";
      plan: EventPlan | undefined;
      violations: Violation[];
      value: number | null;
      currency: string | null;
      value_kind: "actual" | "estimated" | null;
    };

function typeOk(rule: PropertyRule, v: unknown): boolean {
  switch (rule.type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "array":
      return Array.isArray(v);
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v);
  }
}

const patternCache = new Map<string, RegExp>();
function pattern(p: string): RegExp {
  let r = patternCache.get(p);
  if (!r) {
    r = new RegExp(p);
    patternCache.set(p, r);
  }
  return r;
}

export function checkProperty(name: string, rule: PropertyRule, v: unknown, path: string): FieldError | undefined {
  if (v === undefined || v === null) return rule.required ? { path, message: `required by the tracking plan` } : undefined;
  if (!typeOk(rule, v)) return { path, message: `expected ${rule.type === "integer" ? "an integer" : rule.type}` };
  if (rule.enum && !rule.enum.includes(v as string | number)) {
    return { path, message: `expected one of ${rule.enum.map((e) => JSON.stringify(e)).join(", ")}` };
  }
  if (typeof v === "number") {
    if (rule.min !== undefined && v < rule.min) return { path, message: `must be ≥ ${rule.min}` };
    if (rule.max !== undefined && v > rule.max) return { path, message: `must be ≤ ${rule.max}` };
  }
  if (typeof v === "string" || Array.isArray(v)) {
    if (rule.min_length !== undefined && v.length < rule.min_length) return { path, message: `length must be ≥ ${rule.min_length}` };
    if (rule.max_length !== undefined && v.length > rule.max_length) return { path, message: `length must be ≤ ${rule.max_length}` };
  }
  if (typeof v === "string" && rule.pattern !== undefined && !pattern(rule.pattern).test(v)) {
    return { path, message: `must match ${rule.pattern}` };
  }
  void name;
  return undefined;
}

export function lookupPlan(cfg: Config, name: string): EventPlan | undefined {
  // Own keys only: "constructor" or "toString" must not find Object.prototype's members.
  if (Object.hasOwn(cfg.plan.events, name)) return cfg.plan.events[name];
  return Object.hasOwn(SYSTEM_EVENTS, name) ? SYSTEM_EVENTS[name] : undefined;
}

function currencyOf(props: Record<string, unknown>, plan: EventPlan | undefined, cfg: Config): string {
  return isoCurrency(props.currency) ?? plan?.currency ?? cfg.plan.default_currency;
}

// A real basket never holds more of one line than this; beyond it the number is a typo or a forgery.
export const MAX_QUANTITY = 10_000;

/**
 * Amounts a vendor would take as revenue: the conversion value, each item's price (within the ceiling, in the
 * event's currency) and quantity (a positive integer up to MAX_QUANTITY), and top-level price/quantity.
 */
function amountErrors(properties: Record<string, unknown>, value: number | null, valuePath: string, max: number, at: (p: string) => string): FieldError[] {
  const errors: FieldError[] = [];
  const over = `exceeds the value ceiling of ${max} (plan.max_value)`;
  if (value !== null && Math.abs(value) > max) errors.push({ path: at(valuePath), message: over });
  const price = (v: unknown, path: string) => {
    if (typeof v === "number" && Math.abs(v) > max) errors.push({ path: at(path), message: over });
  };
  const quantity = (v: unknown, path: string) => {
    if (v !== undefined && v !== null && !(typeof v === "number" && Number.isInteger(v) && v > 0 && v <= MAX_QUANTITY)) {
      errors.push({ path: at(path), message: `expected a whole number from 1 to ${MAX_QUANTITY}` });
    }
  };
  price(properties.price, "properties.price");
  quantity(properties.quantity, "properties.quantity");
  const items = properties.items;
  if (Array.isArray(items)) {
    items.forEach((it, i) => {
      if (typeof it !== "object" || it === null) return;
      price((it as Record<string, unknown>).price, `properties.items[${i}].price`);
      quantity((it as Record<string, unknown>).quantity, `properties.items[${i}].quantity`);
    });
  }
  return errors;
}

export function applyPlan(
  cfg: Config,
  name: string,
  properties: Record<string, unknown>,
  prefix: string,
): PlanOutcome {
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  if (!EVENT_NAME.test(name)) {
    return {
      kind: "reject",
      errors: [{ path: at("name"), message: "event names are snake_case with two or more words, e.g. purchase_completed" }],
    };
  }
  const plan = lookupPlan(cfg, name);
  const violations: Violation[] = [];
  if (!plan) {
    const policy = cfg.plan.unknown_events;
    if (policy === "reject") {
      return { kind: "reject", errors: [{ path: at("name"), message: `unknown event "${name}" (not in the tracking plan)` }] };
    }
    if (policy === "drop") return { kind: "drop", reason: `unknown event "${name}"` };
    violations.push({ rule: "unknown_event", path: "name", message: `"${name}" is not in the tracking plan` });
  } else {
    const errors: FieldError[] = [];
    for (const [prop, rule] of Object.entries(plan.properties)) {
      const err = checkProperty(prop, rule, properties[prop], at(`properties.${prop}`));
      if (err) errors.push(err);
    }
    if (!plan.additional_properties) {
      for (const prop of Object.keys(properties)) {
        if (!Object.hasOwn(plan.properties, prop)) errors.push({ path: at(`properties.${prop}`), message: "not in the tracking plan" });
      }
    }
    if (errors.length) return { kind: "reject", errors };
  }

  let value: number | null = null;
  let value_kind: "actual" | "estimated" | null = null;
  const rule = plan?.value;
  if (rule && "from" in rule) {
    const v = properties[rule.from];
    if (typeof v === "number" && Number.isFinite(v)) {
      value = v;
      value_kind = "actual";
    }
  } else if (rule && "fixed" in rule) {
    value = rule.fixed;
    value_kind = "estimated";
  } else if (rule && "estimated" in rule) {
    value = Math.round(rule.estimated.close_rate * rule.estimated.average_deal_size * 100) / 100;
    value_kind = "estimated";
  } else if (typeof properties.value === "number" && Number.isFinite(properties.value)) {
    value = properties.value;
    value_kind = "actual";
  }
  const c = properties.currency;
  if (c !== undefined && c !== null && isoCurrency(c) === undefined) {
    return { kind: "reject", errors: [{ path: at("properties.currency"), message: "expected an ISO 4217 currency code such as USD" }] };
  }
  const valuePath = rule && "from" in rule ? `properties.${rule.from}` : rule ? "value" : "properties.value";
  const amounts = amountErrors(properties, value, valuePath, plan?.max_value ?? cfg.plan.max_value, at);
  if (amounts.length) {
    if ((plan?.over_max_value ?? cfg.plan.over_max_value) === "reject") return { kind: "reject", errors: amounts };
    // Flagged: kept for analysis, never a conversion (eligibility keeps value_ceiling events from ad networks).
    for (const a of amounts) violations.push({ rule: "value_ceiling", path: a.path.replace(/^batch\[\d+\]\./, ""), message: a.message });
  }
  const currency = value === null ? null : currencyOf(properties, plan, cfg);
  return { kind: "accept", plan, violations, value, currency, value_kind };
}
