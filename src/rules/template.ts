/**
 * Tiny templating for rule actions: `{{user.email}}` is replaced by that event field, `{{user.email|user_id}}`
 * by the first of those fields that is present, and a field that is absent by an empty string. No logic, no
 * escaping: the result goes into a JSON string, never into HTML.
 */
import type { CanonicalEvent } from "../event/canonical.ts";
import { checkFieldPath, valueAt } from "./condition.ts";

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

function show(v: unknown): string {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export function renderTemplate(template: string, event: CanonicalEvent): string {
  return template.replace(PLACEHOLDER, (_, expr: string) => {
    for (const path of expr.split("|")) {
      const v = valueAt(event, path.trim());
      if (v !== undefined && v !== null && v !== "") return show(v);
    }
    return "";
  });
}

/** Readable problems with a template's field paths (checked when the config loads). */
export function templateProblems(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    for (const path of m[1]!.split("|")) {
      const p = checkFieldPath(path.trim());
      if (p) out.push(`{{${m[1]}}}: ${p}`);
    }
  }
  return out;
}
