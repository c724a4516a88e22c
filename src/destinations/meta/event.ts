/**
 * One Meta Conversions API server event from a canonical event. Hashed user_data fields are arrays of SHA-256
 * hex of the normalized value (phone: digits with country code, no "+"); IP, user agent, fbc and fbp stay
 * clear. custom_data carries value, currency, order_id and the line items.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashedUserFields } from "../hashedUserFields.ts";
import { itemCount, lineItemsOf, orderIdOf, unixSeconds } from "../adFields.ts";

export interface MetaEventOptions {
  actionSource: string;
  phoneCountry: string | undefined;
}

async function userData(e: CanonicalEvent, phoneCountry: string | undefined): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = await hashedUserFields(e, phoneCountry);
  if (e.context.ip) out.client_ip_address = e.context.ip;
  if (e.context.user_agent) out.client_user_agent = e.context.user_agent;
  if (e.click_ids.fbc) out.fbc = e.click_ids.fbc;
  if (e.click_ids.fbp) out.fbp = e.click_ids.fbp;
  return out;
}

function customData(e: CanonicalEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (e.value !== null) out.value = e.value;
  if (e.currency !== null) out.currency = e.currency;
  const order = orderIdOf(e);
  if (order) out.order_id = order;
  const items = lineItemsOf(e);
  if (items.length) {
    out.content_ids = items.map((i) => i.id);
    out.content_type = "product";
    out.contents = items.map((i) => (i.price === undefined ? { id: i.id, quantity: i.quantity } : { id: i.id, quantity: i.quantity, item_price: i.price }));
    out.num_items = itemCount(items);
  }
  return out;
}

export async function metaEvent(e: CanonicalEvent, name: string, o: MetaEventOptions): Promise<Record<string, unknown> | string> {
  const user_data = await userData(e, o.phoneCountry);
  if (o.actionSource === "website" && (!e.page.url || !e.context.user_agent)) {
    // Name what is missing, and where it comes from, so the inspector's reason says what to fix.
    const missing = [
      ...(e.page.url ? [] : ["event_source_url (the page URL: send page.url, or load the SDK on the page)"]),
      ...(e.context.user_agent ? [] : ["client_user_agent (the browser's User-Agent)"]),
    ];
    return `Meta needs event_source_url and client_user_agent for website events; missing: ${missing.join(" and ")}`;
  }
  const event: Record<string, unknown> = {
    event_name: name,
    event_time: unixSeconds(e.time),
    event_id: e.event_id,
    action_source: o.actionSource,
  };
  if (e.page.url) event.event_source_url = e.page.url;
  if (e.page.referrer) event.referrer_url = e.page.referrer;
  event.user_data = user_data;
  event.custom_data = customData(e);
  return event;
}
