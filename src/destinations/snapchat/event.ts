/**
 * One Snapchat v3 web event. Email and phone are SHA-256 of their normalized form (phone: digits with the
 * country code, no "+"); IP, user agent, the ScCid click id and the _scid cookie stay clear, as Snap asks.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized } from "../../identity/hash.ts";
import { normalizeEmail, normalizePhone } from "../../identity/normalize.ts";
import { itemCount, lineItemsOf, orderIdOf, phoneCountryOf, unixSeconds } from "../adFields.ts";

/** The event, or why it cannot be sent. */
export async function snapEvent(e: CanonicalEvent, name: string, phoneCountry: string | undefined): Promise<object | string> {
  if (!e.page.url) return "Snapchat web events need event_source_url (the page URL)";
  const user: Record<string, unknown> = {};
  const email = e.user.email ? normalizeEmail(e.user.email) : undefined;
  if (email) user.em = [await hashNormalized(email)];
  const phone = e.user.phone ? normalizePhone(e.user.phone, "digits", phoneCountryOf(phoneCountry, e)) : undefined;
  if (phone) user.ph = [await hashNormalized(phone)];
  if (e.context.ip) user.client_ip_address = e.context.ip;
  if (e.context.user_agent) user.client_user_agent = e.context.user_agent;
  if (!user.em && !user.ph && !(user.client_ip_address && user.client_user_agent)) {
    return "Snapchat needs a matcher: email, phone, or IP address with user agent";
  }
  if (e.click_ids.ScCid) user.sc_click_id = e.click_ids.ScCid;
  if (e.context.cookies._scid) user.sc_cookie1 = e.context.cookies._scid;

  const out: Record<string, unknown> = {
    event_name: name,
    action_source: "WEB",
    event_source_url: e.page.url,
    event_time: unixSeconds(e.time),
    // The canonical event_id: the Snap Pixel given the same id (client_dedup_id) dedupes against it.
    event_id: e.event_id,
    user_data: user,
  };
  const custom: Record<string, unknown> = {};
  if (e.value !== null && e.currency) {
    custom.currency = e.currency;
    custom.value = e.value;
  }
  const order = orderIdOf(e);
  if (order) custom.order_id = order;
  const items = lineItemsOf(e);
  if (items.length > 0) {
    custom.content_ids = items.map((it) => it.id);
    custom.contents = items.map((it) => (it.price === undefined ? { id: it.id, quantity: it.quantity } : { id: it.id, quantity: it.quantity, item_price: it.price }));
    custom.num_items = itemCount(items);
  }
  if (Object.keys(custom).length > 0) out.custom_data = custom;
  return out;
}
