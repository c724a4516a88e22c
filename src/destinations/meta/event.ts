/**
 * One Meta Conversions API server event from a canonical event. Hashed user_data fields are arrays of SHA-256
 * hex of the normalized value (phone: digits with country code, no "+"); IP, user agent, fbc and fbp stay
 * clear. custom_data carries value, currency, order_id and the line items.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized } from "../../identity/hash.ts";
import {
  normalizeCity,
  normalizeCountry,
  normalizeDob,
  normalizeEmail,
  normalizeGender,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
} from "../../identity/normalize.ts";
import { itemCount, lineItemsOf, orderIdOf, phoneCountryOf, unixSeconds } from "../adFields.ts";

export interface MetaEventOptions {
  actionSource: string;
  phoneCountry: string | undefined;
}

async function hashed(v: string | undefined): Promise<string[] | undefined> {
  return v ? [await hashNormalized(v)] : undefined;
}

async function userData(e: CanonicalEvent, phoneCountry: string | undefined): Promise<Record<string, unknown>> {
  const u = e.user;
  const country = u.country ? normalizeCountry(u.country) : undefined;
  const external = u.external_id?.trim() || e.user_id?.trim() || undefined;
  const out: Record<string, unknown> = {
    em: await hashed(u.email ? normalizeEmail(u.email) : undefined),
    ph: await hashed(u.phone ? normalizePhone(u.phone, "digits", phoneCountryOf(phoneCountry, e)) : undefined),
    fn: await hashed(u.first_name ? normalizeName(u.first_name) : undefined),
    ln: await hashed(u.last_name ? normalizeName(u.last_name) : undefined),
    ge: await hashed(u.gender ? normalizeGender(u.gender) : undefined),
    db: await hashed(u.date_of_birth ? normalizeDob(u.date_of_birth) : undefined),
    ct: await hashed(u.city ? normalizeCity(u.city) : undefined),
    st: await hashed(u.state ? normalizeState(u.state) : undefined),
    zp: await hashed(u.postal_code ? normalizeZip(u.postal_code, country) : undefined),
    country: await hashed(country),
    // Meta recommends hashing external_id; hashed ids still match across Pixel and CAPI when both hash.
    external_id: await hashed(external),
    client_ip_address: e.context.ip ?? undefined,
    client_user_agent: e.context.user_agent ?? undefined,
    fbc: e.click_ids.fbc,
    fbp: e.click_ids.fbp,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
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
    return "Meta needs event_source_url and client_user_agent for website events";
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
