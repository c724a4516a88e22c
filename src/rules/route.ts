/**
 * Applies routing rules to one event for one destination: whether a rule keeps the event away from it, and
 * which actions rules trigger on it. Pure; called centrally by eligibility and delivery, never by adapters.
 */
import type { CanonicalEvent } from "../event/canonical.ts";
import { conditionMatches } from "./condition.ts";
import type { Rule } from "./schema.ts";

/** An action a routing rule triggered: its parameters were validated against the definition's `actions`. */
export interface TriggeredAction {
  rule: string;
  action: string;
  params: Record<string, unknown>;
}

/** The skip reason when a matching rule keeps `event` from `destId`; undefined when it may go. */
export function routeBlock(rules: readonly Rule[] | undefined, destId: string, event: CanonicalEvent): string | undefined {
  for (const rule of rules ?? []) {
    const t = rule.then;
    if ("only_destinations" in t) {
      if (!t.only_destinations.includes(destId) && conditionMatches(rule.when, event)) return `rule ${rule.name}: only_destinations`;
    } else if ("skip_destinations" in t) {
      if (t.skip_destinations.includes(destId) && conditionMatches(rule.when, event)) return `rule ${rule.name}: skip_destinations`;
    }
  }
  return undefined;
}

/** Actions that matching rules trigger on `destId` for `event`, in rule order. */
export function actionsFor(rules: readonly Rule[] | undefined, destId: string, event: CanonicalEvent): TriggeredAction[] {
  const out: TriggeredAction[] = [];
  for (const rule of rules ?? []) {
    const t = rule.then;
    if ("destination" in t && t.destination === destId && conditionMatches(rule.when, event)) {
      out.push({ rule: rule.name, action: t.action, params: t.params });
    }
  }
  return out;
}
