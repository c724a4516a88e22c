/**
 * The tracking plan as a readable Markdown document: the "shared sheet" teams otherwise keep by hand. Each
 * event with its owner, description, properties, value rule, dedupe rule and where it goes.
 */
import { definitionOf } from "../destinations/registry.ts";
import { vendorEventName } from "../destinations/eligibility.ts";
import type { Config, EventPlan, PropertyRule, ValueRule } from "./schema.ts";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function bounds(r: PropertyRule): string {
  const out: string[] = [];
  if (r.enum) out.push(`one of ${r.enum.map((e) => `\`${e}\``).join(", ")}`);
  if (r.min !== undefined) out.push(`≥ ${r.min}`);
  if (r.max !== undefined) out.push(`≤ ${r.max}`);
  if (r.min_length !== undefined) out.push(`length ≥ ${r.min_length}`);
  if (r.max_length !== undefined) out.push(`length ≤ ${r.max_length}`);
  if (r.pattern !== undefined) out.push(`matches \`${r.pattern}\``);
  return out.join("; ") || "–";
}

export function describeValue(rule: ValueRule | undefined, currency: string): string {
  if (!rule) return "none (a numeric `value` property is used when present)";
  if ("from" in rule) return `actual: the \`${rule.from}\` property, in ${currency}`;
  if ("fixed" in rule) return `estimated: a fixed ${rule.fixed} ${currency}`;
  const e = rule.estimated;
  const v = Math.round(e.close_rate * e.average_deal_size * 100) / 100;
  return `estimated: close rate ${e.close_rate} × average deal ${e.average_deal_size} = ${v} ${currency}`;
}

function destinationsOf(cfg: Config, name: string): string[] {
  return Object.entries(cfg.destinations).map(([id, d]) => {
    const vendor = vendorEventName(cfg, id, d, definitionOf(d.type), name);
    const only = d.only_events as string[] | undefined;
    const where = `${id} (${d.type}${d.mode !== "live" ? `, ${d.mode}` : ""})`;
    if (!d.enabled) return `${where}: disabled`;
    if (vendor === false) return `${where}: never (excluded by the plan)`;
    if (only && !only.includes(name)) return `${where}: not sent (not in only_events)`;
    if (vendor === undefined) return `${where}: not sent (not mapped)`;
    return `${where}: as \`${vendor}\``;
  });
}

function eventSection(cfg: Config, name: string, plan: EventPlan): string {
  const currency = plan.currency ?? cfg.plan.default_currency;
  const lines = [`## \`${name}\``, "", cell(plan.description), "", `- **Owner:** ${plan.owner}`];
  lines.push(`- **Value:** ${describeValue(plan.value, currency)}`);
  lines.push(
    `- **Dedupe:** ${
      plan.dedupe
        ? `one event per \`${plan.dedupe.key}\` within ${plan.dedupe.window_hours ?? cfg.dedupe.window_hours} h, from any source`
        : `by event_id within ${cfg.dedupe.window_hours} h`
    }`,
  );
  lines.push(`- **Other properties:** ${plan.additional_properties ? "accepted" : "rejected"}`, "");
  const props = Object.entries(plan.properties);
  if (props.length) {
    lines.push("| Property | Type | Required | Rules | Description |", "|---|---|---|---|---|");
    for (const [p, r] of props) {
      lines.push(`| \`${p}\` | ${r.type} | ${r.required ? "yes" : "no"} | ${cell(bounds(r))} | ${cell(r.description ?? "")} |`);
    }
    lines.push("");
  }
  lines.push("**Goes to:**", "", ...destinationsOf(cfg, name).map((d) => `- ${d}`), "");
  return lines.join("\n");
}

export function planMarkdown(cfg: Config): string {
  const events = Object.entries(cfg.plan.events).sort(([a], [b]) => a.localeCompare(b));
  const head = [
    `# Tracking plan (config version ${cfg.version})`,
    "",
    `${events.length} event(s). Unknown events: **${cfg.plan.unknown_events}**. Default currency: ${cfg.plan.default_currency}.`,
    "",
    "| Event | Owner | Value |",
    "|---|---|---|",
    ...events.map(([n, p]) => `| [\`${n}\`](#${n}) | ${cell(p.owner)} | ${cell(describeValue(p.value, p.currency ?? cfg.plan.default_currency))} |`),
    "",
  ];
  return [...head, ...events.map(([n, p]) => eventSection(cfg, n, p))].join("\n");
}
