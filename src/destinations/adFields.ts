/**
 * Small readers and settings shared by the conversion-API adapters of LinkedIn, Snapchat, Pinterest and
 * Reddit: event time in the vendor's unit, order id and line items from the canonical properties, the phone
 * default country, secret-name settings, and a short error summary from a vendor body.
 */
import { z } from "zod";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Skip } from "./types.ts";

/** A settings key whose value is the NAME of a Worker secret (config/schema.ts would be a circular import). */
export const secretNameSetting = (what: string) =>
  z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, "a secret name in UPPER_SNAKE_CASE (set it with `wrangler secret put NAME`)")
    .describe(`Name of the Worker secret holding ${what}`);

export const defaultPhoneCountrySetting = z
  .string()
  .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code such as US")
  .optional()
  .describe("Country assumed for phone numbers without a country code (default: the visitor's geo country)");

/** The country a national phone number belongs to: the destination's setting, else where the visitor was. */
export function phoneCountryOf(setting: string | undefined, e: CanonicalEvent): string | undefined {
  return setting ?? e.context.geo.country ?? undefined;
}

export function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export function unixMillis(iso: string): number {
  return Date.parse(iso);
}

export function orderIdOf(e: CanonicalEvent): string | undefined {
  const v = e.properties.order_id;
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;
}

export interface LineItem {
  id: string;
  quantity: number;
  price?: number;
  name?: string;
  category?: string;
  brand?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;
}

/**
 * `properties.items` as line items; entries without an id are ignored (no vendor can use them). Reads the
 * common shapes: Tagwire's (id, name, category), GA4's (item_id, item_name, item_category, item_brand) and
 * Segment's (product_id, sku, name, category, brand).
 */
export function lineItemsOf(e: CanonicalEvent): LineItem[] {
  const items = e.properties.items;
  if (!Array.isArray(items)) return [];
  const out: LineItem[] = [];
  for (const raw of items) {
    if (!raw || typeof raw !== "object") continue;
    const it = raw as Record<string, unknown>;
    const id = str(it.id ?? it.item_id ?? it.product_id ?? it.sku);
    if (!id) continue;
    const item: LineItem = { id, quantity: typeof it.quantity === "number" && it.quantity > 0 ? it.quantity : 1 };
    if (typeof it.price === "number") item.price = it.price;
    const name = str(it.name ?? it.item_name);
    if (name) item.name = name;
    const category = str(it.category ?? it.item_category);
    if (category) item.category = category;
    const brand = str(it.brand ?? it.item_brand);
    if (brand) item.brand = brand;
    out.push(item);
  }
  return out;
}

export function itemCount(items: readonly LineItem[]): number {
  return items.reduce((n, it) => n + it.quantity, 0);
}

/** The base URL: the `endpoint` override (test doubles, regional hosts) or the vendor's host. */
export function baseUrl(endpoint: string | undefined, vendorHost: string): string {
  return (endpoint ?? vendorHost).replace(/\/+$/, "");
}

/** A vendor's error body, shortened for the dead-letter record. */
export function errorDetail(body: string): string | undefined {
  return body === "" ? undefined : body.slice(0, 500);
}

export interface Mapped {
  payloads: unknown[];
  /** The event ids of `payloads`, in the same order (vendors answer per event in request order). */
  ids: string[];
  skipped: Skip[];
}

/** Maps each event to its vendor payload, or to the reason it cannot be sent (a string). */
export async function mapEvents(
  events: readonly CanonicalEvent[],
  toPayload: (e: CanonicalEvent) => Promise<object | string>,
): Promise<Mapped> {
  const out: Mapped = { payloads: [], ids: [], skipped: [] };
  for (const e of events) {
    const r = await toPayload(e);
    if (typeof r === "string") out.skipped.push({ event_id: e.event_id, reason: r });
    else {
      out.payloads.push(r);
      out.ids.push(e.event_id);
    }
  }
  return out;
}


/**
 * Canonical names → the standard event names Meta's and TikTok's pixels share (both use Purchase, Lead,
 * AddToCart, …), so the common conversions need no mapping in the config.
 */
export const PIXEL_STANDARD_EVENTS: Readonly<Record<string, string>> = {
  purchase_completed: "Purchase",
  lead_submitted: "Lead",
  product_added: "AddToCart",
  checkout_started: "InitiateCheckout",
  signup_completed: "CompleteRegistration",
  product_viewed: "ViewContent",
  payment_info_added: "AddPaymentInfo",
  trial_started: "StartTrial",
  subscription_started: "Subscribe",
  search_performed: "Search",
};
