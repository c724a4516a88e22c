/**
 * One gtag hit as the raw event the ingest pipeline takes (source "browser"): the GA4 event name mapped to the
 * plan's name, `ep.*`/`epn.*` as properties (transaction_id → order_id, cu → currency, pr1… → items), the page
 * from dl/dt/dr, uid as user_id, and Consent Mode from gcs/gcd. The hit's own parameters travel on unchanged
 * for GA4 (`ga4_hit` on the canonical event).
 */
import type { Config } from "../config/schema.ts";
import { lookupPlan } from "../pipeline/plan.ts";
import { consentOfHit } from "./consent.ts";
import { itemsOfHit } from "./items.ts";

/** GA4's recommended and automatic event names → Tagwire's plan names (two words, object_verb). */
export const DEFAULT_GTAG_EVENTS: ReadonlyMap<string, string> = new Map([
  ["page_view", "page_viewed"],
  ["purchase", "purchase_completed"],
  ["refund", "order_refunded"],
  ["add_to_cart", "product_added"],
  ["remove_from_cart", "product_removed"],
  ["view_item", "product_viewed"],
  ["begin_checkout", "checkout_started"],
  ["generate_lead", "lead_submitted"],
  ["sign_up", "signup_completed"],
  ["login", "login_completed"],
  ["search", "search_performed"],
  ["view_search_results", "search_performed"],
  ["scroll", "page_scrolled"],
  ["click", "outbound_link_clicked"],
  ["share", "content_shared"],
  ["exception", "exception_raised"],
]);

/** Event parameters whose plan name differs from GA4's. */
const RENAMED: ReadonlyMap<string, string> = new Map([["transaction_id", "order_id"]]);
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);
const MAX_STRING = 1024;
const MAX_URL = 2048;

export function planNameOf(cfg: Config, en: string): string {
  const mapped = cfg.gtag?.events[en];
  if (typeof mapped === "string" && Object.hasOwn(cfg.gtag!.events, en)) return mapped;
  return DEFAULT_GTAG_EVENTS.get(en) ?? en;
}

function coerce(type: string | undefined, raw: string): unknown {
  if ((type === "number" || type === "integer") && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

/** The raw event (IncomingEvent's shape) for one valid hit. */
export function rawEventOf(cfg: Config, hit: URLSearchParams): Record<string, unknown> {
  const en = hit.get("en")!;
  const name = planNameOf(cfg, en);
  const rules = lookupPlan(cfg, name)?.properties;
  const properties = new Map<string, unknown>();
  for (const [k, v] of hit) {
    const numeric = k.startsWith("epn.");
    if (!numeric && !k.startsWith("ep.")) continue;
    const param = k.slice(numeric ? 4 : 3);
    const key = RENAMED.get(param) ?? param;
    if (!key || key.length > 100 || RESERVED.has(key)) continue;
    // GA4 keeps the whole hit; the canonical copy is cut to the pipeline's bounds rather than rejected.
    properties.set(key, numeric ? Number(v) : coerce(rules?.[key]?.type, v.slice(0, MAX_STRING)));
  }
  const cu = hit.get("cu");
  if (cu && !properties.has("currency")) properties.set("currency", cu);
  const items = itemsOfHit(hit);
  if (items.length) properties.set("items", items);

  const ev: Record<string, unknown> = { name, type: name === "page_viewed" ? "page" : "track" };
  if (properties.size) ev.properties = Object.fromEntries(properties);
  const page: Record<string, string> = {};
  const dl = hit.get("dl");
  if (dl) page.url = dl.slice(0, MAX_URL);
  const dt = hit.get("dt");
  if (dt) page.title = dt.slice(0, 512);
  const dr = hit.get("dr");
  // `ir` asks GA4 to ignore the referrer (an internal or payment-provider return).
  if (dr && !hit.has("ir")) page.referrer = dr.slice(0, MAX_URL);
  if (Object.keys(page).length) ev.page = page;
  const uid = hit.get("uid");
  if (uid) ev.user_id = uid.slice(0, 256);
  const consent = consentOfHit(hit);
  if (consent) ev.consent = consent;
  return ev;
}
