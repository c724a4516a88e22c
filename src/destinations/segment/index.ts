/**
 * Segment HTTP Tracking API (shared/reference/destinations.md §9.1): every event goes through /v1/batch as a
 * track (page for page views, identify for user_identified) message with messageId = event_id, so Segment
 * dedupes retries. Basic auth with the write key as the user name.
 */
import { z } from "zod";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { baseUrl, lineItemsOf, orderIdOf, secretNameSetting } from "../adFields.ts";
import { attributionProps, traitsOf } from "../analyticsFields.ts";
import type { BuildContext, BuildResult, BuiltRequest, DestinationDefinition, Skip } from "../types.ts";

export const SEGMENT_API_VERSION = "v1";
const HOSTS = { us: "https://api.segment.io", eu: "https://events.eu1.segmentapis.com" } as const;
const MAX_EVENT_BYTES = 32_000;
const MAX_BATCH_BYTES = 480_000;

/** Segment's e-commerce spec names, so spec-aware downstream tools understand the events. */
const SPEC: Readonly<Record<string, string>> = {
  purchase_completed: "Order Completed",
  product_added: "Product Added",
  product_removed: "Product Removed",
  product_viewed: "Product Viewed",
  checkout_started: "Checkout Started",
  signup_completed: "Signed Up",
  lead_submitted: "Lead Submitted",
};

export const SegmentSettings = z.object({
  write_key: secretNameSetting("the source's write key"),
  region: z.enum(["us", "eu"]).default("us").describe("eu for EU workspaces (events sent to the US host are dropped)"),
});
export type SegmentSettings = z.infer<typeof SegmentSettings>;

function message(e: CanonicalEvent, name: string): Record<string, unknown> {
  const ids: Record<string, string> = {};
  if (e.user_id) ids.userId = e.user_id;
  if (e.anonymous_id) ids.anonymousId = e.anonymous_id;
  const context: Record<string, unknown> = {};
  if (e.context.ip) context.ip = e.context.ip;
  if (e.context.user_agent) context.userAgent = e.context.user_agent;
  if (e.context.locale) context.locale = e.context.locale;
  const page = Object.fromEntries(Object.entries(e.page).filter(([, v]) => v !== null));
  if (Object.keys(page).length) context.page = page;
  const campaign = Object.fromEntries(Object.entries(e.campaign).filter(([, v]) => v !== null));
  if (Object.keys(campaign).length) context.campaign = campaign;
  const traits = traitsOf(e.user);
  const base = { messageId: e.event_id, timestamp: e.time, ...ids, context };
  if (e.name === "user_identified") return { type: "identify", ...base, traits: traits ?? {} };
  if (traits) context.traits = traits;
  const properties: Record<string, unknown> = { ...attributionProps(e), ...e.properties };
  if (e.value !== null) properties[name === "Order Completed" ? "revenue" : "value"] = e.value;
  if (e.currency !== null) properties.currency = e.currency;
  const order = orderIdOf(e);
  if (order) properties.order_id = order;
  const items = lineItemsOf(e);
  if (items.length) {
    delete properties.items;
    properties.products = items.map((i) => ({ product_id: i.id, quantity: i.quantity, ...(i.name ? { name: i.name } : {}), ...(i.price !== undefined ? { price: i.price } : {}) }));
  }
  if (e.name === "page_viewed") return { type: "page", ...base, name: e.page.title ?? undefined, properties };
  return { type: "track", ...base, event: name, properties };
}

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<SegmentSettings>): Promise<BuildResult> {
  const skipped: Skip[] = [];
  const requests: BuiltRequest[] = [];
  const url = `${baseUrl(ctx.endpoint, HOSTS[ctx.settings.region])}/${SEGMENT_API_VERSION}/batch`;
  const auth = `Basic ${btoa(`${ctx.secrets.write_key ?? ""}:`)}`;
  let batch: string[] = [];
  let ids: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (!batch.length) return;
    requests.push({
      event_ids: ids,
      request: { method: "POST", url, headers: { "content-type": "application/json", authorization: auth }, body: `{"batch":[${batch.join(",")}]}` },
    });
    batch = [];
    ids = [];
    bytes = 0;
  };
  for (const e of events) {
    if (!e.user_id && !e.anonymous_id) {
      skipped.push({ event_id: e.event_id, reason: "Segment needs a userId or anonymousId" });
      continue;
    }
    const json = JSON.stringify(message(e, ctx.eventName(e) ?? e.name));
    if (json.length > MAX_EVENT_BYTES) {
      skipped.push({ event_id: e.event_id, reason: "larger than Segment's 32 KB per event" });
      continue;
    }
    if (bytes + json.length > MAX_BATCH_BYTES) flush();
    batch.push(json);
    ids.push(e.event_id);
    bytes += json.length + 1;
  }
  flush();
  return { requests, skipped };
}

export const segment: DestinationDefinition<SegmentSettings> = {
  type: "segment",
  title: "Segment (HTTP Tracking API)",
  purpose: "analytics",
  adNetwork: false,
  settings: SegmentSettings,
  secretKeys: ["write_key"],
  maxBatch: 500,
  freshnessHours: 72,
  defaultEventName: (name) => SPEC[name] ?? name,
  build,
};
