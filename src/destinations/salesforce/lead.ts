/** The Lead record for a canonical event: mapped fields (clear text: it is the customer's CRM) plus defaults. */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { normalizeEmail, normalizePhone } from "../../identity/normalize.ts";
import { valueAt } from "../../rules/condition.ts";
import { renderTemplate } from "../../rules/template.ts";
import { DEFAULT_FIELDS, type SalesforceSettings } from "./settings.ts";

export type LeadRecord = Record<string, string | number | boolean>;

function fieldValue(field: string, v: unknown, country: string | null): string | number | boolean | undefined {
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v !== "string" || v.trim() === "") return undefined;
  if (field === "Email") return normalizeEmail(v) ?? v.trim();
  if (field === "Phone" || field === "MobilePhone") return normalizePhone(v, "e164", country) ?? v.trim();
  return v.trim();
}

export function leadRecord(e: CanonicalEvent, s: SalesforceSettings): LeadRecord {
  const out: LeadRecord = {};
  for (const [field, path] of Object.entries({ ...DEFAULT_FIELDS, ...s.fields })) {
    if (path === "") continue;
    const v = fieldValue(field, valueAt(e, path), e.context.geo.country);
    if (v !== undefined) out[field] = v;
  }
  out.LastName ??= s.default_last_name;
  out.Company ??= s.default_company;
  if (s.lead_source) out.LeadSource = s.lead_source;
  const description = renderTemplate(s.description, e).replace(/\s+/g, " ").trim();
  if (description) out.Description = description;
  return out;
}

/** Web-to-Lead's form names for standard Lead fields; other keys (custom `00N…` ids) are sent as given. */
const WEB_TO_LEAD_NAMES: Record<string, string> = {
  FirstName: "first_name",
  LastName: "last_name",
  Company: "company",
  Email: "email",
  Phone: "phone",
  MobilePhone: "mobile",
  Title: "title",
  Street: "street",
  City: "city",
  State: "state",
  PostalCode: "zip",
  Country: "country",
  Website: "URL",
  Industry: "industry",
  LeadSource: "lead_source",
  Description: "description",
};

export function webToLeadForm(oid: string, lead: LeadRecord): string {
  const form = new URLSearchParams({ oid });
  for (const [field, v] of Object.entries(lead)) form.append(WEB_TO_LEAD_NAMES[field] ?? field, String(v));
  return form.toString();
}
