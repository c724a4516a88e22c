/**
 * One Reddit v2.0 conversion event. Email (Reddit's canonical form), phone (E.164), external id and, unlike
 * other networks, the IP address are SHA-256 hashed; user agent, the _rdt_uuid cookie and the rdt_cid click
 * id stay clear. conversion_id is the canonical event_id, for dedupe with the Reddit Pixel.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized } from "../../identity/hash.ts";
import { normalizePhone } from "../../identity/normalize.ts";
import { itemCount, lineItemsOf, phoneCountryOf } from "../adFields.ts";
import { redditEmail } from "./email.ts";

/** Reddit's standard tracking types; any other mapped name is sent as a Custom event of that name. */
const TRACKING_TYPES: ReadonlySet<string> = new Set([
  "PageVisit",
  "ViewContent",
  "Search",
  "AddToCart",
  "AddToWishlist",
  "Purchase",
  "Lead",
  "SignUp",
]);

async function user(e: CanonicalEvent, phoneCountry: string | undefined): Promise<Record<string, string>> {
  const u: Record<string, string> = {};
  const email = e.user.email ? redditEmail(e.user.email) : undefined;
  if (email) u.email = await hashNormalized(email);
  const phone = e.user.phone ? normalizePhone(e.user.phone, "e164", phoneCountryOf(phoneCountry, e)) : undefined;
  if (phone) u.phone_number = await hashNormalized(phone);
  const external = e.user.external_id?.trim() || e.user_id?.trim();
  if (external) u.external_id = await hashNormalized(external);
  if (e.context.ip) u.ip_address = await hashNormalized(e.context.ip.trim());
  if (e.context.user_agent) u.user_agent = e.context.user_agent;
  if (e.context.cookies._rdt_uuid) u.uuid = e.context.cookies._rdt_uuid;
  return u;
}

function metadata(e: CanonicalEvent): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (e.value !== null && e.currency) {
    m.currency = e.currency;
    m.value_decimal = e.value;
  }
  const items = lineItemsOf(e);
  if (items.length > 0) {
    m.item_count = itemCount(items);
    m.products = items.map((it) => {
      const p: Record<string, string> = { id: it.id };
      if (it.name) p.name = it.name;
      if (it.category) p.category = it.category;
      return p;
    });
  }
  m.conversion_id = e.event_id;
  return m;
}

/** The event, or why it cannot be sent. */
export async function redditEvent(e: CanonicalEvent, name: string, phoneCountry: string | undefined): Promise<object | string> {
  const u = await user(e, phoneCountry);
  const click = e.click_ids.rdt_cid;
  if (!click && !u.uuid && !u.email && !u.phone_number && !u.external_id && !u.ip_address) {
    return "Reddit needs something to match on: rdt_cid, _rdt_uuid, email, phone, external id or IP";
  }
  const out: Record<string, unknown> = {
    event_at: new Date(Date.parse(e.time)).toISOString(),
    event_type: TRACKING_TYPES.has(name) ? { tracking_type: name } : { tracking_type: "Custom", custom_event_name: name },
  };
  if (click) out.click_id = click;
  out.event_metadata = metadata(e);
  out.user = u;
  return out;
}
