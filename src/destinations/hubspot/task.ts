/**
 * A HubSpot task created by a routing rule, associated with the contact when its id is known. Tasks are not
 * idempotent at HubSpot, so each carries a key (`<event_id>:<rule>`) in a task property, and the create is
 * preceded by a search on that key: a retry whose first create was answered too late finds the task and stops.
 */
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

/** The key a rule's task for one event carries; also the delivery step name's suffix. */
export function taskKey(e: CanonicalEvent, action: TriggeredAction): string {
  return `${e.event_id}:${action.rule}`;
}

/** Whether a tasks/search answer found at least one task; an unreadable answer (a dry run's) found none. */
function found(body: string): boolean {
  try {
    const b = JSON.parse(body) as { total?: unknown; results?: unknown };
    return (typeof b.total === "number" && b.total > 0) || (Array.isArray(b.results) && b.results.length > 0);
  } catch {
    return false;
  }
}

export function taskRequest(
  e: CanonicalEvent,
  action: TriggeredAction,
  base: string | undefined,
  token: string | undefined,
  contactId: string | undefined,
  keyProperty: string,
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
  const key = taskKey(e, action);
  if (keyProperty) properties[keyProperty] = key;
  const body: Record<string, unknown> = { properties };
  if (contactId) {
    body.associations = [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: TASK_TO_CONTACT }] }];
  }
  const step = `task:${action.rule}`;
  const create = hubspotRequest(base, `/crm/${HUBSPOT_API_VERSION}/objects/tasks`, token, body, [e.event_id]);
  if (!keyProperty) return { ...create, step };
  const search = hubspotRequest(
    base,
    `/crm/${HUBSPOT_API_VERSION}/objects/tasks/search`,
    token,
    { filterGroups: [{ filters: [{ propertyName: keyProperty, operator: "EQ", value: key }] }], properties: [keyProperty], limit: 1 },
    [e.event_id],
  );
  return { ...search, step, next: (res) => (found(res.body) ? [] : [{ ...create, step: `${step}:create` }]) };
}
