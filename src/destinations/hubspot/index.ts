/**
 * HubSpot: contact upsert by email (with optional first/last-touch source properties), custom behavioral
 * events, form submissions with the hubspotutk cookie, and tasks created by routing rules. Requests are paced
 * to 190 per 10 s (the Professional/Enterprise private-app burst limit).
 */
import type { BuildContext, BuiltRequest, DestinationDefinition, Skip } from "../types.ts";
import { behavioralEvent, formSubmission } from "./activity.ts";
import { emailOf } from "./contact.ts";
import { contactChain } from "./contacts.ts";
import { CreateTask, HubSpotSettings } from "./settings.ts";
import { isTask, taskRequest } from "./task.ts";

export const hubspot: DestinationDefinition<HubSpotSettings> = {
  type: "hubspot",
  title: "HubSpot",
  purpose: "analytics",
  adNetwork: false,
  settings: HubSpotSettings,
  secretKeys: ["token"],
  // Batch upsert takes at most 100 contacts.
  maxBatch: 100,
  freshnessHours: 168,
  defaultEventName: (name) => name,
  actions: { create_task: CreateTask },
  rateLimit: { requests: 190, perSeconds: 10 },
  async build(events, ctx: BuildContext<HubSpotSettings>) {
    const s = ctx.settings;
    const token = ctx.secrets.token;
    const base = ctx.endpoint;
    const tasks = (e: (typeof events)[number]) => (ctx.actions?.(e) ?? []).filter(isTask);
    const requests: BuiltRequest[] = [];
    const why = new Map<string, string>();
    const contacts = s.upsert_contacts ? events.filter((e) => emailOf(e)) : [];
    const chain = contactChain({ events: contacts, touch: s.touch_properties, tasks, base, token, taskKeyProperty: s.task_key_property });
    if (chain) requests.push(chain);
    for (const e of events) {
      // Without a contact to attach to, a rule's task is still created, unassociated.
      if (!contacts.includes(e)) {
        for (const a of tasks(e)) {
          const t = taskRequest(e, a, base, token, undefined, s.task_key_property);
          if (t) requests.push(t);
        }
      }
      if (s.behavioral_events) {
        const b = behavioralEvent(e, ctx.eventName(e) ?? e.name, s, base, token);
        if (typeof b === "string") why.set(e.event_id, b);
        else requests.push({ ...b, step: "event" });
      }
      const form = formSubmission(e, s, base);
      if (form) requests.push({ ...form, step: "form" });
    }
    const sent = new Set(requests.flatMap((r) => r.event_ids));
    const skipped: Skip[] = events
      .filter((e) => !sent.has(e.event_id))
      .map((e) => ({ event_id: e.event_id, reason: why.get(e.event_id) ?? "nothing to send: no email, no behavioral event, no task" }));
    return { requests, skipped };
  },
};
