/**
 * GA4 Measurement Protocol pieces: the client_id (from `_ga`, else derived from Tagwire's visitor id), one
 * event's name check and params within GA4's limits, and the hashed user_data by Google's rules.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized, sha256Hex } from "../../identity/hash.ts";
import {
  normalizeCountry,
  normalizeEmail,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
} from "../../identity/normalize.ts";
import { lineItemsOf, orderIdOf } from "../adFields.ts";

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const RESERVED_PREFIXES = ["_", "firebase_", "ga_", "google_", "gtag."];
const RESERVED_NAMES = new Set([
  "ad_activeview", "ad_click", "ad_exposure", "ad_impression", "ad_query", "adunit_exposure", "app_clear_data",
  "app_install", "app_remove", "app_update", "error", "first_open", "first_visit", "in_app_purchase",
  "notification_dismiss", "notification_foreground", "notification_open", "notification_receive", "os_update",
  "screen_view", "session_start", "user_engagement",
]);
const MAX_PARAMS = 25;
const MAX_VALUE = 100;

/** Why GA4 would reject this event name, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return `"${name}" is not a valid GA4 event name (letters, digits, _; ≤ 40; starts with a letter)`;
  if (RESERVED_NAMES.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) return `"${name}" is reserved by GA4`;
  return undefined;
}

/**
 * `_ga` = "GA1.1.<random>.<timestamp>" → "<random>.<timestamp>" (the gtag client id). Without it, a stable id
 * of the same shape derived from Tagwire's visitor id (or the user id for server events), so one visitor stays
 * one GA4 user across events.
 */
export async function clientIdOf(e: CanonicalEvent): Promise<string | undefined> {
  // A gtag hit names its own client (and the Measurement Protocol must join that GA4 user, not a derived one).
  const cid = hitParam(e, "cid");
  if (cid && /^\d+\.\d+$/.test(cid)) return cid;
  const ga = e.context.cookies._ga?.split(".");
  if (ga && ga.length >= 4 && /^\d+$/.test(ga[ga.length - 2]!) && /^\d+$/.test(ga[ga.length - 1]!)) {
    return `${ga[ga.length - 2]}.${ga[ga.length - 1]}`;
  }
  const seed = e.anonymous_id ?? (e.user_id ? `user:${e.user_id}` : undefined);
  if (!seed) return undefined;
  const h = await sha256Hex(`tagwire-ga4:${seed}`);
  return `${parseInt(h.slice(0, 8), 16)}.${parseInt(h.slice(8, 16), 16) % 2_000_000_000}`;
}

function hitParam(e: CanonicalEvent, key: string): string | null {
  return e.ga4_hit ? new URLSearchParams(e.ga4_hit.params).get(key) : null;
}

function scalar(v: unknown): string | number | boolean | undefined {
  if (typeof v === "string") return v.slice(0, MAX_VALUE);
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "boolean") return v;
  return undefined;
}

export function eventParams(e: CanonicalEvent, vendorName: string, engagementMs: number): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => {
    // Own keys only: a property named "toString" is a parameter like any other, not Object.prototype's.
    if (v === undefined || v === null || Object.hasOwn(p, k) || Object.keys(p).length >= MAX_PARAMS) return;
    p[k] = v;
  };
  if (vendorName === "purchase" || vendorName === "refund") put("transaction_id", orderIdOf(e) ?? e.event_id);
  if (e.value !== null) put("value", e.value);
  if (e.currency !== null) put("currency", e.currency);
  const items = lineItemsOf(e).map((i) => {
    const item: Record<string, unknown> = { item_id: i.id, quantity: i.quantity };
    if (i.name) item.item_name = i.name;
    if (i.price !== undefined) item.price = i.price;
    if (i.category) item.item_category = i.category;
    if (i.brand) item.item_brand = i.brand;
    return item;
  });
  if (items.length) put("items", items);
  const session = hitParam(e, "sid") ?? e.session_id;
  if (session && /^\d+$/.test(session)) put("session_id", session);
  put("engagement_time_msec", engagementMs);
  put("page_location", e.page.url ? e.page.url.slice(0, 1000) : undefined);
  put("page_referrer", e.page.referrer ? e.page.referrer.slice(0, 420) : undefined);
  put("page_title", e.page.title ? scalar(e.page.title) : undefined);
  for (const [k, v] of Object.entries(e.properties)) {
    if (k === "items" || k === "order_id" || !NAME.test(k) || RESERVED_PREFIXES.some((x) => k.startsWith(x))) continue;
    put(k, scalar(v));
  }
  // Attribution from the identity graph, last: GA4 keeps 25 parameters and drops the rest silently, so these
  // only take room the event's own parameters left.
  const a = e.attribution;
  if (a) {
    put("first_touch_source", a.first_touch ? scalar(a.first_touch.source) : undefined);
    put("first_touch_medium", a.first_touch ? scalar(a.first_touch.medium) : undefined);
    put("first_touch_campaign", a.first_touch?.campaign ? scalar(a.first_touch.campaign) : undefined);
    put("seconds_to_conversion", a.seconds_from_first_touch ?? undefined);
  }
  return p;
}

async function h(v: string | undefined): Promise<string | undefined> {
  return v ? hashNormalized(v) : undefined;
}

/** Google's user-provided data: hashed email (gmail dots removed), E.164 phone, names and street; clear address. */
export async function userData(e: CanonicalEvent): Promise<Record<string, unknown> | undefined> {
  const u = e.user;
  const out: Record<string, unknown> = {};
  const email = await h(u.email ? normalizeEmail(u.email, { googleDots: true }) : undefined);
  if (email) out.sha256_email_address = [email];
  const phone = await h(u.phone ? normalizePhone(u.phone, "e164", e.context.geo.country) : undefined);
  if (phone) out.sha256_phone_number = [phone];
  const address: Record<string, string> = {};
  const first = await h(u.first_name ? normalizeName(u.first_name, { keepSpaces: true }) : undefined);
  if (first) address.sha256_first_name = first;
  const last = await h(u.last_name ? normalizeName(u.last_name, { keepSpaces: true }) : undefined);
  if (last) address.sha256_last_name = last;
  const street = await h(u.street ? u.street.trim().toLowerCase() : undefined);
  if (street) address.sha256_street = street;
  const city = u.city ? normalizeName(u.city, { keepSpaces: true }) : undefined;
  if (city) address.city = city;
  const region = u.state ? normalizeState(u.state) : undefined;
  if (region) address.region = region;
  const country = u.country ? normalizeCountry(u.country) : undefined;
  const zip = u.postal_code ? normalizeZip(u.postal_code, country) : undefined;
  if (zip) address.postal_code = zip;
  if (country) address.country = country;
  if (Object.keys(address).length) out.address = [address];
  return Object.keys(out).length ? out : undefined;
}
