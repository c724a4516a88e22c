/** Salesforce settings, the pinned REST API version and the default Lead field mapping. */
import { z } from "zod";
import { checkFieldPath } from "../../rules/condition.ts";
import { templateProblems } from "../../rules/template.ts";

/** REST API version in every data path. */
export const SALESFORCE_API_VERSION = "67.0";
export const WEB_TO_LEAD_HOST = "https://webto.salesforce.com";

const secretName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "a secret name in UPPER_SNAKE_CASE");

/** Lead field → canonical path used unless `fields` says otherwise. */
export const DEFAULT_FIELDS: Record<string, string> = {
  FirstName: "user.first_name",
  LastName: "user.last_name",
  Email: "user.email",
  Phone: "user.phone",
  Company: "properties.company",
  City: "user.city",
  State: "user.state",
  PostalCode: "user.postal_code",
  Country: "user.country",
};

export const SalesforceSettings = z.object({
  method: z
    .enum(["rest", "web_to_lead"])
    .default("rest")
    .describe("rest: Lead create through the REST API (OAuth client credentials); web_to_lead: the no-auth form servlet"),
  instance_url: z
    .url()
    .optional()
    .describe("Your My Domain URL, e.g. https://acme.my.salesforce.com (rest: token and data requests go here)"),
  external_id_field: z
    .union([z.literal(""), z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, "the API name of a custom External ID field, e.g. Tagwire_Event_Id__c")])
    .default("Tagwire_Event_Id__c")
    .describe(
      'rest: a Lead text field marked External ID and Unique; Leads are upserted by event_id on it, so a retry never creates a second Lead ("" = plain create, not exactly once)',
    ),
  client_id: secretName.optional().describe("Name of the secret holding the External Client App's consumer key (rest)"),
  client_secret: secretName.optional().describe("Name of the secret holding its consumer secret (rest)"),
  oid: z
    .string()
    .regex(/^00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/, "your 15- or 18-character Org ID (starts with 00D)")
    .optional()
    .describe("Org ID (web_to_lead)"),
  fields: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_]*$/, "a Lead field API name such as Title or Score__c (web_to_lead: 00N… ids too)"),
      z.string().superRefine((p, ctx) => {
        const problem = p === "" ? undefined : checkFieldPath(p);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    )
    .default({})
    .describe('Lead field → canonical path, added to (or replacing) the defaults; "" removes a default field'),
  default_last_name: z.string().min(1).default("Unknown").describe("LastName when the event has none (required by Salesforce)"),
  default_company: z.string().min(1).default("Unknown").describe("Company when the event has none (required by Salesforce)"),
  lead_source: z.string().default("Web").describe("LeadSource of every Lead created"),
  description: z
    .string()
    .default("{{name}} {{event_id}} {{value}} {{currency}}")
    .superRefine((t, ctx) => {
      for (const p of templateProblems(t)) ctx.addIssue({ code: "custom", message: p });
    })
    .describe("Lead Description, with {{field}} placeholders"),
});
export type SalesforceSettings = z.infer<typeof SalesforceSettings>;
