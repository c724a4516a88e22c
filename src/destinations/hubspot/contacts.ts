/**
 * The contact chain: (read first-touch state →) batch upsert by email → the tasks of those contacts, each
 * step built from the previous step's answer so tasks are associated with the contact id HubSpot returned.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import type { BuiltRequest, TriggeredAction, VendorResponse } from "../types.ts";
import { FIRST_TOUCH_AT, emailOf, touchProps, traitProps, type Props } from "./contact.ts";
import { contactsByEmail, hubspotRequest, onlyContactId } from "./requests.ts";
import { HUBSPOT_API_VERSION } from "./settings.ts";
import { taskRequest } from "./task.ts";

const V = HUBSPOT_API_VERSION;
/**
 * The delivery step of the chain's first request. Reads and upserts are idempotent, so a retry that still has a
 * task to create resends them to learn the contact id; once every task is done the whole chain is skipped.
 */
const STEP = "contact";

interface ContactDraft {
  email: string;
  props: Props;
  first: Props;
  events: CanonicalEvent[];
}

export interface ChainInput {
  events: CanonicalEvent[];
  touch: boolean;
  tasks: (e: CanonicalEvent) => TriggeredAction[];
  base: string | undefined;
  token: string | undefined;
  taskKeyProperty: string;
}

/** One draft per email; later events overwrite traits and last touch, the earliest touch is the first. */
function drafts(events: CanonicalEvent[], touch: boolean): ContactDraft[] {
  const by = new Map<string, ContactDraft>();
  for (const e of events) {
    const email = emailOf(e)!;
    const d = by.get(email) ?? { email, props: {}, first: {}, events: [] };
    Object.assign(d.props, traitProps(e), touch ? touchProps(e, "last") : {});
    if (touch && Object.keys(d.first).length === 0) d.first = touchProps(e, "first");
    d.events.push(e);
    by.set(email, d);
  }
  return [...by.values()];
}

function tasksAfter(input: ChainInput, list: ContactDraft[], res: VendorResponse): BuiltRequest[] {
  const ids = contactsByEmail(res.body);
  const single = list.length === 1 ? onlyContactId(res.body) : undefined;
  const out: BuiltRequest[] = [];
  for (const d of list) {
    for (const e of d.events) {
      for (const a of input.tasks(e)) {
        const t = taskRequest(e, a, input.base, input.token, ids.get(d.email)?.id ?? single, input.taskKeyProperty);
        if (t) out.push(t);
      }
    }
  }
  return out;
}

function upsert(input: ChainInput, list: ContactDraft[], known: Map<string, { properties: Record<string, unknown> }>): BuiltRequest {
  const inputs = list.map((d) => {
    const hasFirst = typeof known.get(d.email)?.properties[FIRST_TOUCH_AT] === "string" && known.get(d.email)!.properties[FIRST_TOUCH_AT] !== "";
    return { idProperty: "email", id: d.email, properties: { ...d.props, ...(hasFirst ? {} : d.first) } };
  });
  const ids = list.flatMap((d) => d.events.map((e) => e.event_id));
  const req = { ...hubspotRequest(input.base, `/crm/${V}/objects/contacts/batch/upsert`, input.token, { inputs }, ids), step: STEP };
  const withTasks = list.some((d) => d.events.some((e) => input.tasks(e).length > 0));
  return withTasks ? { ...req, next: (res) => tasksAfter(input, list, res) } : req;
}

/** The first request of the chain for events that carry an email; its follow-ups come from `next`. */
export function contactChain(input: ChainInput): BuiltRequest | undefined {
  const list = drafts(
    input.events.filter((e) => emailOf(e)),
    input.touch,
  );
  if (list.length === 0) return undefined;
  if (!list.some((d) => Object.keys(d.first).length > 0)) return upsert(input, list, new Map());
  // First touch must not overwrite an earlier one, and upsert cannot "set if empty": read it first.
  const read = hubspotRequest(
    input.base,
    `/crm/${V}/objects/contacts/batch/read`,
    input.token,
    { idProperty: "email", properties: ["email", FIRST_TOUCH_AT], inputs: list.map((d) => ({ id: d.email })) },
    list.flatMap((d) => d.events.map((e) => e.event_id)),
  );
  return { ...read, step: STEP, next: (res) => [{ ...upsert(input, list, contactsByEmail(res.body)), step: `${STEP}:upsert` }] };
}
