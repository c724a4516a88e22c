/** HubSpot settings, the task action rules can trigger, and the one pinned API version. */
import { z } from "zod";
import { templateProblems } from "../../rules/template.ts";

/** HubSpot API version used in every path (CRM objects, events, forms). The `/…/v3/` paths are "legacy" but live. */
export const HUBSPOT_API_VERSION = "v3";
export const API_HOST = "https://api.hubapi.com";
export const FORMS_HOST = "https://api.hsforms.com";

export const HubSpotSettings = z.object({
  token: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, "a secret name in UPPER_SNAKE_CASE")
    .describe("Name of the Worker secret holding the private-app access token (sent as Bearer)"),
  portal_id: z
    .string()
    .regex(/^\d+$/, "your HubSpot account id (Hub ID), digits only")
    .optional()
    .describe("Hub ID: prefixes behavioral event names (pe<HubID>_…) and addresses the form"),
  upsert_contacts: z.boolean().default(true).describe("Create or update the contact (by email) for every event that carries an email"),
  touch_properties: z
    .boolean()
    .default(false)
    .describe("Also set tagwire_first_* / tagwire_last_* source properties (create them in HubSpot first)"),
  behavioral_events: z
    .boolean()
    .default(false)
    .describe("Send each event as a custom behavioral event (Enterprise; define the events in HubSpot first)"),
  form_guid: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "a form GUID such as 1a2b3c4d-…")
    .optional()
    .describe("Submit form_events to this HubSpot form (with the hubspotutk cookie as hutk); needs portal_id"),
  form_events: z.array(z.string()).default(["lead_submitted"]).describe("Events submitted to the form"),
  task_key_property: z
    .union([z.literal(""), z.string().regex(/^[a-z][a-z0-9_]*$/, "a HubSpot internal property name such as tagwire_task_key")])
    .default("tagwire_task_key")
    .describe(
      'Task property holding "<event_id>:<rule>": searched before a task is created, so a retry never creates it twice (create it on tasks first; "" turns the search off)',
    ),
});
export type HubSpotSettings = z.infer<typeof HubSpotSettings>;

const template = (what: string) =>
  z
    .string()
    .min(1)
    .superRefine((t, ctx) => {
      for (const p of templateProblems(t)) ctx.addIssue({ code: "custom", message: `${what}: ${p}` });
    });

/** Parameters of `then = { destination = "<hubspot id>", action = "create_task", … }`. */
export const CreateTask = z.strictObject({
  owner_id: z
    .preprocess(
      (v) => (typeof v === "number" ? String(v) : v),
      z.string({ error: 'required: the HubSpot owner id (digits) the task is assigned to, e.g. "7001"' }).regex(/^\d+$/, "a HubSpot owner id (digits)"),
    )
    .describe("HubSpot owner (user) the task is assigned to"),
  subject: template("subject").describe('Task subject, with {{field}} placeholders: "Hot lead: {{user.email}} scored {{properties.score}}"'),
  body: template("body").optional().describe("Task notes, with placeholders (default: which rule and event created it)"),
  priority: z.enum(["LOW", "MEDIUM", "HIGH"]).default("HIGH"),
  task_type: z.enum(["TODO", "CALL", "EMAIL"]).default("TODO"),
  due_in_minutes: z.int().min(0).default(0).describe("Due this long after the event happened (0: due at once)"),
});
export type CreateTask = z.infer<typeof CreateTask>;
