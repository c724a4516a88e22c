/**
 * Meta Conversions API (shared/reference/destinations.md §2): `{"data":[…]}` to
 * /<version>/<pixel_id>/events with a system-user token as Bearer. event_id is the canonical event_id, so a
 * browser Pixel given the same id (fbq(..., {eventID})) is deduplicated by Meta. Test mode adds
 * `test_event_code`, which routes events to Events Manager → Test Events.
 */
import { z } from "zod";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { baseUrl, defaultPhoneCountrySetting, mapEvents, PIXEL_STANDARD_EVENTS, secretNameSetting } from "../adFields.ts";
import type { BuildContext, BuildResult, DestinationDefinition } from "../types.ts";
import { metaEvent } from "./event.ts";
import { interpretMeta } from "./interpret.ts";

/** Graph API version; Meta supports each for at least two years. */
export const META_API_VERSION = "v24.0";
const HOST = "https://graph.facebook.com";
/** Meta rejects a whole request when one event is older than 7 days. */
const MAX_AGE_MS = 7 * 24 * 3_600_000;

/** Meta's standard events for the canonical names most plans use (and PageView); others need a mapping. */
const STANDARD: Readonly<Record<string, string>> = { ...PIXEL_STANDARD_EVENTS, page_viewed: "PageView" };

export const MetaSettings = z.object({
  pixel_id: z.string().regex(/^\d{5,20}$/, "the numeric Pixel (dataset) id").describe("Meta Pixel / dataset id"),
  access_token: secretNameSetting("the Conversions API system-user access token"),
  action_source: z
    .enum(["website", "app", "email", "phone_call", "chat", "physical_store", "system_generated", "business_messaging", "other"])
    .default("website")
    .describe("Where the conversions happened"),
  test_event_code: z.string().optional().describe("Events Manager → Test Events code, sent in mode = \"test\""),
  data_processing_options: z.array(z.literal("LDU")).optional().describe("Limited Data Use: [\"LDU\"]"),
  data_processing_options_country: z.int().optional().describe("With LDU: 0 lets Meta geolocate, 1 = USA"),
  data_processing_options_state: z.int().optional().describe("With LDU: 0 lets Meta geolocate, 1000 = California"),
  default_phone_country: defaultPhoneCountrySetting,
});
export type MetaSettings = z.infer<typeof MetaSettings>;

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<MetaSettings>): Promise<BuildResult> {
  const s = ctx.settings;
  const now = ctx.now();
  const { payloads, ids, skipped } = await mapEvents(events, async (e) => {
    if (now - Date.parse(e.time) > MAX_AGE_MS) return "older than Meta's 7-day window";
    const event = await metaEvent(e, ctx.eventName(e) ?? e.name, { actionSource: s.action_source, phoneCountry: s.default_phone_country });
    if (typeof event === "string" || !s.data_processing_options) return event;
    return {
      ...event,
      data_processing_options: s.data_processing_options,
      data_processing_options_country: s.data_processing_options_country ?? 0,
      data_processing_options_state: s.data_processing_options_state ?? 0,
    };
  });
  if (payloads.length === 0) return { requests: [], skipped };
  const body: Record<string, unknown> = { data: payloads };
  if (ctx.mode === "test") {
    if (!s.test_event_code) {
      return { requests: [], skipped: skipped.concat(ids.map((id) => ({ event_id: id, reason: "mode test needs test_event_code" }))) };
    }
    body.test_event_code = s.test_event_code;
  }
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOST)}/${META_API_VERSION}/${s.pixel_id}/events`,
          headers: { "content-type": "application/json", authorization: `Bearer ${ctx.secrets.access_token ?? ""}` },
          body: JSON.stringify(body),
        },
      },
    ],
  };
}

export const meta: DestinationDefinition<MetaSettings> = {
  type: "meta",
  title: "Meta Conversions API",
  purpose: "ads",
  adNetwork: true,
  settings: MetaSettings,
  secretKeys: ["access_token"],
  maxBatch: 1000,
  freshnessHours: 7 * 24,
  defaultEventName: (name) => STANDARD[name],
  build,
  interpret: (res) => interpretMeta(res, Date.now()),
};
