/** A HubSpot task created by a routing rule, associated with the contact when its id is known. */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { renderTemplate } from "../../rules/template.ts";
import type { BuiltRequest, TriggeredAction } from "../types.ts";
import { hubspotRequest } from "./requests.ts";
import { CreateTask, HUBSPOT_API_VERSION } from "./settings.ts";

/** HubSpot's own association type for task → contact. */
const TASK_TO_CONTACT = 204;

export function isTask(a: TriggeredAction): boolean {
  return a.action === "create_task";
}

export function taskRequest(
  e: CanonicalEvent,
  action: TriggeredAction,
  base: string | undefined,
  token: string | undefined,
  contactId: string | undefined,
): BuiltRequest | undefined {
  const parsed = CreateTask.safeParse(action.params);
  if (!parsed.success) return undefined;
  const t = parsed.data;
  const properties: Record<string, string> = {
    // Due relative to the event, not to delivery, so a retried task keeps the time the lead came in.
    hs_timestamp: new Date(Date.parse(e.time) + t.due_in_minutes * 60_000).toISOString(),
    // A subject is one line: fields that were absent or padded leave no stray spaces.
    hs_task_subject: renderTemplate(t.subject, e).replace(/\s+/g, " ").trim(),
    hs_task_body: t.body ? renderTemplate(t.body, e) : `Created by Tagwire rule ${action.rule} from ${e.name} ${e.event_id}.`,
    hs_task_status: "NOT_STARTED",
    hs_task_priority: t.priority,
    hs_task_type: t.task_type,
    hubspot_owner_id: t.owner_id,
  };
  const body: Record<string, unknown> = { properties };
  if (contactId) {
    body.associations = [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: TASK_TO_CONTACT }] }];
  }
  return hubspotRequest(base, `/crm/${HUBSPOT_API_VERSION}/objects/tasks`, token, body, [e.event_id]);
}
