/**
 * The shared canonical inputs of every contract case (shared/reference/destinations.md §0.1): one purchase,
 * one lead, a minimal event, and variants. Fixed clock: 2026-06-01T12:00:00Z.
 */
import type { BuildContext, Mode } from "../../src/destinations/types.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";

export const NOW = Date.parse("2026-06-01T12:05:00Z");
export const EVENT_TIME = "2026-06-01T12:00:00Z";
export const UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function base(): CanonicalEvent {
  return {
    event_id: "evt_0001",
    name: "purchase_completed",
    time: "2026-06-01T12:00:00.000Z",
    received_at: "2026-06-01T12:00:01.000Z",
    source: "browser",
    anonymous_id: "01970a5e-2f00-7000-8000-000000000001",
    session_id: "1780315000",
    user_id: "user_42",
    properties: {},
    value: null,
    currency: null,
    value_kind: null,
    page: {
      url: "https://shop.example.com/checkout/complete",
      path: "/checkout/complete",
      title: "Order complete",
      referrer: "https://shop.example.com/checkout",
    },
    campaign: { source: "newsletter", medium: "email", name: "spring", term: null, content: null },
    click_ids: {},
    user: {
      email: "Jane.Doe@Example.com ",
      phone: "+1 (415) 555-0100",
      first_name: "Jane",
      last_name: "Doe",
      city: "San Francisco",
      state: "CA",
      postal_code: "94107",
      country: "US",
      external_id: "user_42",
    },
    context: {
      ip: "203.0.113.10",
      user_agent: UA,
      locale: "en-US",
      geo: {
        country: "US",
        region: "California",
        region_code: "CA",
        city: "San Francisco",
        postal_code: "94107",
        latitude: 37.78,
        longitude: -122.39,
        timezone: "America/Los_Angeles",
        continent: "NA",
        asn: 13335,
        colo: "SFO",
      },
      device: { type: "desktop", os: "Mac OS", browser: "Chrome" },
      bot: false,
      cookies: {},
    },
    consent: { analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false },
  };
}

function merge<T>(target: T, patch: DeepPartial<T> | undefined): T {
  if (!patch) return target;
  const out: any = Array.isArray(target) ? [...(target as any)] : { ...(target as any) };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" ? merge(out[k], v) : v;
  }
  return out;
}

/** The purchase: 129.99 USD, order ord_1001, one item sku_1 × 1. */
export function purchaseEvent(patch?: DeepPartial<CanonicalEvent>): CanonicalEvent {
  return merge(
    merge(base(), {
      event_id: "evt_purchase_0001",
      name: "purchase_completed",
      properties: {
        order_id: "ord_1001",
        value: 129.99,
        currency: "USD",
        items: [{ id: "sku_1", name: "Trail shoe", quantity: 1, price: 129.99 }],
      },
      value: 129.99,
      currency: "USD",
      value_kind: "actual",
    }),
    patch,
  );
}

/** The lead: lead_2001, estimated value 500 USD. */
export function leadEvent(patch?: DeepPartial<CanonicalEvent>): CanonicalEvent {
  return merge(
    merge(base(), {
      event_id: "evt_lead_0001",
      name: "lead_submitted",
      properties: { lead_id: "lead_2001", score: 91, company: "Acme" },
      value: 500,
      currency: "USD",
      value_kind: "estimated",
    }),
    patch,
  );
}

/** The least an event can carry: a name, ids, times; no user traits, no page, no value. */
export function minimalEvent(patch?: DeepPartial<CanonicalEvent>): CanonicalEvent {
  const e = base();
  return merge(
    {
      ...e,
      event_id: "evt_min_0001",
      name: "signup_completed",
      user_id: null,
      user: {},
      page: { url: null, path: null, title: null, referrer: null },
      campaign: { source: null, medium: null, name: null, term: null, content: null },
      context: { ...e.context, locale: null },
    },
    patch,
  );
}

export const DENIED = { analytics: false, ads: false, ad_user_data: false, ad_personalization: false, gpc: false };

/**
 * A build context for calling an adapter's `build()` directly, for modes the contract runner does not run
 * (it forces live): `secrets` are keyed by settings key, `names` maps canonical → vendor event names.
 */
export function adapterContext<S>(
  settings: S,
  secrets: Record<string, string>,
  mode: Mode,
  names: Record<string, string>,
  endpoint?: string,
): BuildContext<S> {
  return { destination: "dest", settings, secrets, mode, eventName: (e) => names[e.name], now: () => NOW, endpoint };
}
