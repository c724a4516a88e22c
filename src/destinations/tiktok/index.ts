/**
 * TikTok Events API 2.0 (shared/reference/destinations.md §4): POST /open_api/v1.3/event/track/ with
 * `Access-Token`. event_id is the canonical event_id, so `ttq.track(name, params, {event_id})` on the page and
 * this server copy dedupe at TikTok. TikTok answers HTTP 200 for most errors: the body's `code` decides.
 */
import { z } from "zod";
import { classifyStatus } from "../../outcome/classify.ts";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized } from "../../identity/hash.ts";
import { normalizeEmail, normalizePhone } from "../../identity/normalize.ts";
import { baseUrl, defaultPhoneCountrySetting, lineItemsOf, PIXEL_STANDARD_EVENTS, mapEvents, orderIdOf, phoneCountryOf, secretNameSetting, unixSeconds } from "../adFields.ts";
import type { BuildContext, BuildResult, DestinationDefinition, Outcome, VendorResponse } from "../types.ts";

export const TIKTOK_API_VERSION = "v1.3";
const HOST = "https://business-api.tiktok.com";


export const TikTokSettings = z.object({
  pixel_code: z.string().min(1).describe("TikTok Pixel code (event_source_id)"),
  access_token: secretNameSetting("the Events API access token (Events Manager → pixel → Settings)"),
  event_source: z.enum(["web", "crm", "offline"]).default("web"),
  test_event_code: z.string().optional().describe("Events Manager → Test Events code, sent in mode = \"test\""),
  limited_data_use: z.boolean().default(false),
  default_phone_country: defaultPhoneCountrySetting,
});
export type TikTokSettings = z.infer<typeof TikTokSettings>;

async function user(e: CanonicalEvent, phoneCountry: string | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const u = e.user;
  const email = u.email ? normalizeEmail(u.email) : undefined;
  if (email) out.email = await hashNormalized(email);
  const phone = u.phone ? normalizePhone(u.phone, "e164", phoneCountryOf(phoneCountry, e)) : undefined;
  if (phone) out.phone = await hashNormalized(phone);
  const external = (u.external_id ?? e.user_id)?.trim().toLowerCase();
  if (external) out.external_id = await hashNormalized(external);
  if (e.click_ids.ttclid) out.ttclid = e.click_ids.ttclid;
  if (e.context.cookies._ttp) out.ttp = e.context.cookies._ttp;
  if (e.context.ip) out.ip = e.context.ip;
  if (e.context.user_agent) out.user_agent = e.context.user_agent;
  if (e.context.locale) out.locale = e.context.locale.replace("-", "_");
  return out;
}

function properties(e: CanonicalEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (e.value !== null) out.value = e.value;
  if (e.currency !== null) out.currency = e.currency;
  const order = orderIdOf(e);
  if (order) out.order_id = order;
  const items = lineItemsOf(e);
  if (items.length) {
    out.content_type = "product";
    out.contents = items.map((i) => {
      const c: Record<string, unknown> = { content_id: i.id, quantity: i.quantity };
      if (i.name) c.content_name = i.name;
      if (i.category) c.content_category = i.category;
      if (i.brand) c.brand = i.brand;
      if (i.price !== undefined) c.price = i.price;
      return c;
    });
  }
  return out;
}

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<TikTokSettings>): Promise<BuildResult> {
  const s = ctx.settings;
  const { payloads, ids, skipped } = await mapEvents(events, async (e) => {
    const u = await user(e, s.default_phone_country);
    if (!u.email && !u.phone && !u.external_id && !u.ttclid && !u.ttp && !u.ip) return "no user matcher (email, phone, external_id, ttclid, ttp or ip)";
    const item: Record<string, unknown> = { event: ctx.eventName(e) ?? e.name, event_time: unixSeconds(e.time), event_id: e.event_id, user: u };
    if (e.page.url) item.page = e.page.referrer ? { url: e.page.url, referrer: e.page.referrer } : { url: e.page.url };
    item.properties = properties(e);
    if (s.limited_data_use) item.limited_data_use = true;
    return item;
  });
  if (payloads.length === 0) return { requests: [], skipped };
  const body: Record<string, unknown> = { event_source: s.event_source, event_source_id: s.pixel_code, data: payloads };
  if (ctx.mode === "test") {
    if (!s.test_event_code) return { requests: [], skipped: skipped.concat(ids.map((id) => ({ event_id: id, reason: "mode test needs test_event_code" }))) };
    body.test_event_code = s.test_event_code;
  }
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOST)}/open_api/${TIKTOK_API_VERSION}/event/track/`,
          headers: { "content-type": "application/json", "access-token": ctx.secrets.access_token ?? "" },
          body: JSON.stringify(body),
        },
      },
    ],
  };
}

/** Branch on the body's `code`: 0 and 20001 (partial) ok; 40100 throttled; 40001/40002 auth and parameters. */
function interpret(res: VendorResponse): Outcome {
  let code: number | undefined;
  let message = "";
  try {
    const b = JSON.parse(res.body) as { code?: unknown; message?: unknown; request_id?: unknown };
    if (typeof b.code === "number") code = b.code;
    message = `${typeof b.message === "string" ? b.message : ""}${typeof b.request_id === "string" ? ` (request_id ${b.request_id})` : ""}`;
  } catch {
    /* not JSON: the status decides */
  }
  if (code === undefined || res.status >= 500 || res.status === 429) return classifyStatus(res.status, res.headers, Date.now(), res.body.slice(0, 500));
  const detail = `code ${code}: ${message}`.slice(0, 500);
  if (code === 0) return { kind: "ok", status: res.status };
  if (code === 20001) return { kind: "ok", status: res.status, detail };
  if (code === 40100) return { kind: "retry", status: res.status, retryAfter: 60, detail };
  if (code === 40001) return { kind: "auth", status: res.status, detail };
  if (code === 40002) return { kind: "drop", status: res.status, detail };
  return { ...classifyStatus(res.status >= 400 ? res.status : 500, res.headers, Date.now()), detail };
}

export const tiktok: DestinationDefinition<TikTokSettings> = {
  type: "tiktok",
  title: "TikTok Events API",
  purpose: "ads",
  adNetwork: true,
  settings: TikTokSettings,
  secretKeys: ["access_token"],
  maxBatch: 1000,
  freshnessHours: 7 * 24,
  defaultEventName: (name) => PIXEL_STANDARD_EVENTS[name],
  build,
  interpret,
};
