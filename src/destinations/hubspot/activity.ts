/** Per-event HubSpot requests: a custom behavioral event, and a form submission carrying the hubspotutk. */
import type { CanonicalEvent } from "../../event/canonical.ts";
import type { BuiltRequest } from "../types.ts";
import { emailOf, traitProps } from "./contact.ts";
import { hubspotRequest } from "./requests.ts";
import { FORMS_HOST, HUBSPOT_API_VERSION, type HubSpotSettings } from "./settings.ts";

/** `pe<HubID>_<name>`, unless the mapped name already is fully qualified. */
export function qualifiedEventName(vendorName: string, portalId: string | undefined): string | undefined {
  if (/^pe\d+_/.test(vendorName)) return vendorName;
  return portalId ? `pe${portalId}_${vendorName}` : undefined;
}

/** Event properties HubSpot can store: scalars only (lists and objects have no event-property type). */
function scalarProps(e: CanonicalEvent): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(e.properties)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}

export function behavioralEvent(
  e: CanonicalEvent,
  vendorName: string,
  s: HubSpotSettings,
  base: string | undefined,
  token: string | undefined,
): BuiltRequest | string {
  const eventName = qualifiedEventName(vendorName, s.portal_id);
  if (!eventName) return "behavioral event needs portal_id (or a mapped name like pe123_name)";
  const email = emailOf(e);
  const utk = e.context.cookies.hubspotutk;
  if (!email && !utk) return "behavioral event needs an email or the hubspotutk cookie";
  const body: Record<string, unknown> = { eventName };
  if (email) body.email = email;
  if (utk) body.utk = utk;
  body.occurredAt = e.time;
  body.properties = scalarProps(e);
  return hubspotRequest(base, `/events/${HUBSPOT_API_VERSION}/send`, token, body, [e.event_id]);
}

/** The unauthenticated forms endpoint: no token scope needed, and HubSpot attributes the visit via hutk. */
export function formSubmission(e: CanonicalEvent, s: HubSpotSettings, endpoint: string | undefined): BuiltRequest | undefined {
  if (!s.form_guid || !s.portal_id || !s.form_events.includes(e.name) || !emailOf(e)) return undefined;
  const fields = Object.entries(traitProps(e)).map(([name, value]) => ({ objectTypeId: "0-1", name, value }));
  const context: Record<string, string> = {};
  if (e.context.cookies.hubspotutk) context.hutk = e.context.cookies.hubspotutk;
  if (e.context.ip) context.ipAddress = e.context.ip;
  if (e.page.url) context.pageUri = e.page.url;
  if (e.page.title) context.pageName = e.page.title;
  const body = { submittedAt: String(Date.parse(e.time)), fields, context };
  const path = `/submissions/${HUBSPOT_API_VERSION}/integration/submit/${s.portal_id}/${s.form_guid}`;
  return hubspotRequest(endpoint ?? FORMS_HOST, path, undefined, body, [e.event_id]);
}
