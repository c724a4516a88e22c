/**
 * One Pinterest v5 conversion event. User fields are arrays of SHA-256 hashes of their normalized form
 * (phone: digits with country code, no "+"); IP, user agent and the epik click id stay clear. Values and
 * item prices are strings, as the v5 schema wants.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashedUserFields } from "../hashedUserFields.ts";
import { itemCount, lineItemsOf, orderIdOf, unixSeconds } from "../adFields.ts";

/** Pinterest's closed set of event names (v5 OpenAPI `ConversionEvents.event_name`). */
export const PINTEREST_EVENTS: ReadonlySet<string> = new Set([
  "add_payment_info",
  "add_to_cart",
  "add_to_wishlist",
  "app_install",
  "checkout",
  "custom",
  "initiate_checkout",
  "lead",
  "page_visit",
  "search",
  "signup",
  "subscribe",
  "view_category",
  "view_content",
  "watch_video",
]);

async function userData(e: CanonicalEvent, phoneCountry: string | undefined): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = await hashedUserFields(e, phoneCountry);
  if (e.context.ip) out.client_ip_address = e.context.ip;
  if (e.context.user_agent) out.client_user_agent = e.context.user_agent;
  const click = e.click_ids.epik ?? e.context.cookies._epik;
  if (click) out.click_id = click;
  return out;
}

function customData(e: CanonicalEvent): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (e.value !== null && e.currency) {
    c.currency = e.currency;
    c.value = String(e.value);
  }
  const order = orderIdOf(e);
  if (order) c.order_id = order;
  const items = lineItemsOf(e);
  if (items.length > 0) {
    c.content_ids = items.map((it) => it.id);
    c.contents = items.map((it) => {
      const row: Record<string, unknown> = { id: it.id, quantity: it.quantity };
      if (it.price !== undefined) row.item_price = String(it.price);
      if (it.name) row.item_name = it.name;
      if (it.category) row.item_category = it.category;
      if (it.brand) row.item_brand = it.brand;
      return row;
    });
    c.num_items = itemCount(items);
  }
  return c;
}

/** The event, or why it cannot be sent. */
export async function pinterestEvent(e: CanonicalEvent, name: string, phoneCountry: string | undefined): Promise<object | string> {
  if (!PINTEREST_EVENTS.has(name)) return `"${name}" is not a Pinterest event_name (checkout, lead, signup, custom, …)`;
  const user = await userData(e, phoneCountry);
  if (!user.em && !(user.client_ip_address && user.client_user_agent)) {
    return "Pinterest needs an email, or an IP address with user agent";
  }
  const out: Record<string, unknown> = {
    event_name: name,
    action_source: "web",
    event_time: unixSeconds(e.time),
    // The canonical event_id: the Pinterest tag given the same id dedupes against it.
    event_id: e.event_id,
  };
  if (e.page.url) out.event_source_url = e.page.url;
  // Pinterest's own flag for visitors who declined personalised ads (Limited Data Processing).
  if (!e.consent.ad_personalization) out.opt_out = true;
  out.user_data = user;
  out.custom_data = customData(e);
  return out;
}
