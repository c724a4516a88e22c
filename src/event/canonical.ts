/**
 * The canonical event: the one shape every source (browser, pixel, server) is turned into, and the only
 * thing dedupe, delivery and destination adapters ever see. Documented field by field in README.
 */

export type EventSource = "browser" | "pixel" | "server";

/** Click ids Tagwire keeps from landing URLs (and Meta's fbc/fbp cookies). */
export const CLICK_ID_KEYS = [
  "gclid",
  "gbraid",
  "wbraid",
  "fbclid",
  "ttclid",
  "li_fat_id",
  "msclkid",
  "ScCid",
  "rdt_cid",
  "epik",
] as const;
export type ClickIdKey = (typeof CLICK_ID_KEYS)[number];

export type ClickIds = Partial<Record<ClickIdKey | "fbc" | "fbp", string>>;

/** User traits as given by identify() or the server: raw here; each destination normalizes and hashes. */
export interface UserTraits {
  email?: string;
  phone?: string;
  first_name?: string;
  last_name?: string;
  gender?: string;
  date_of_birth?: string;
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  external_id?: string;
}

export interface Geo {
  country: string | null;
  region: string | null;
  region_code: string | null;
  city: string | null;
  postal_code: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string | null;
  continent: string | null;
  asn: number | null;
  colo: string | null;
}

export interface Device {
  type: "desktop" | "mobile" | "tablet" | "bot" | "other";
  os: string | null;
  browser: string | null;
}

/** Vendor cookies read from the request, passed through untouched for the destinations that use them. */
export interface VendorCookies {
  _ga?: string;
  _ttp?: string;
  _scid?: string;
  _rdt_uuid?: string;
  _epik?: string;
  hubspotutk?: string;
}

export interface Consent {
  analytics: boolean;
  ads: boolean;
  ad_user_data: boolean;
  ad_personalization: boolean;
  /** The browser sent `Sec-GPC: 1`: ads (sale/share) are denied whatever else was said. */
  gpc: boolean;
}

export interface MergedCopy {
  event_id: string;
  source: EventSource;
  /** Whether the copy came in a signed server request. */
  signed: boolean;
}

export interface Violation {
  rule: string;
  path: string;
  message: string;
}

/** A gtag.js hit's own GA4 parameters (URL-encoded, shared and per-event merged), forwarded to /g/collect as sent. */
export interface Ga4Hit {
  params: string;
}

export interface CanonicalEvent {
  event_id: string;
  name: string;
  /** When it happened (ISO 8601): the client's own time, never rewritten (see time_status). */
  time: string;
  received_at: string;
  source: EventSource;
  anonymous_id: string | null;
  session_id: string | null;
  user_id: string | null;
  properties: Record<string, unknown>;
  value: number | null;
  currency: string | null;
  /** Whether `value` is the actual amount or an estimate from the plan (close rate × deal size, fixed). */
  value_kind: "actual" | "estimated" | null;
  page: {
    url: string | null;
    path: string | null;
    title: string | null;
    referrer: string | null;
  };
  campaign: {
    source: string | null;
    medium: string | null;
    name: string | null;
    term: string | null;
    content: string | null;
  };
  click_ids: ClickIds;
  user: UserTraits;
  context: {
    ip: string | null;
    user_agent: string | null;
    locale: string | null;
    geo: Geo;
    device: Device;
    bot: boolean;
    cookies: VendorCookies;
  };
  consent: Consent;
  /**
   * Present when the client's time lies outside received_at ± time_tolerance_hours: "late" (older) or
   * "clock_skewed" (ahead). Each destination's freshness window then decides whether it is sent.
   */
  time_status?: "late" | "clock_skewed";
  /**
   * Set when identity.verify_user_id is on and the event has a user_id: whether it was signed by the site's
   * backend (or came from a signed server request). An unverified user_id reaches only the webhook.
   */
  user_id_verified?: boolean;
  /** Present when the unknown-event policy is `flag`, or rules were broken in flag mode. */
  violations?: Violation[];
  /** Present when copies of this conversion were merged into it: each copy's event_id and source. */
  merged_from?: MergedCopy[];
  /** Present on events that came from gtag.js / GTM (src/routes/gtag.ts). */
  ga4_hit?: Ga4Hit;
  /** A gtag hit the tracking plan rejects or drops: forwarded to GA4 as a hit (transport "collect") and nowhere else. */
  ga4_only?: true;
  /** On conversions: what brought this person (src/identity/graph; docs/identity.md). */
  attribution?: Attribution;
}

/** A click id or browser id as the identity graph saw it. */
export interface Seen {
  value: string;
  /** When it was seen (epoch ms): the click time for click ids, the creation time for fbc/fbp. */
  at: number;
}

/** One visit that brought the person: a session's first event with utm, a click id or an external referrer. */
export interface Touch {
  /** Epoch ms. */
  at: number;
  source: string;
  medium: string;
  campaign: string | null;
  term: string | null;
  content: string | null;
  click_ids: Partial<Record<ClickIdKey, Seen>>;
  /** Origin and path of the landing page (its query is left out: it may carry personal data). */
  landing_page: string | null;
  /** Origin and path of the external referrer. */
  referrer: string | null;
  session_id: string | null;
}

/** What a conversion carries (docs/identity.md). */
export interface Attribution {
  first_touch: Touch | null;
  last_touch: Touch | null;
  /** Seconds from the first touch to the conversion; null without a touch. */
  seconds_from_first_touch: number | null;
  /** Seconds from the first visit to the conversion; null when no visit was seen. */
  seconds_from_first_visit: number | null;
}
