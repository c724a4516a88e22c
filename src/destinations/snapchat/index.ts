/**
 * Snapchat Conversions API v3 (shared/reference/destinations.md §6.1): `{"data":[…]}` to
 * /v3/<pixel_id>/events with the access token in the query string; test mode posts to …/events/validate,
 * which checks the events without recording them.
 */
import { z } from "zod";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { baseUrl, defaultPhoneCountrySetting, mapEvents, secretNameSetting } from "../adFields.ts";
import type { BuildContext, BuildResult, DestinationDefinition } from "../types.ts";
import { snapEvent } from "./event.ts";
import { interpretSnap } from "./interpret.ts";

export const SNAP_API_VERSION = "v3";
const HOST = "https://tr.snapchat.com";

export const SnapchatSettings = z.object({
  pixel_id: z.string().min(1).describe("Snap Pixel id the conversions belong to"),
  access_token: secretNameSetting("the Snapchat Conversions API token"),
  default_phone_country: defaultPhoneCountrySetting,
});
export type SnapchatSettings = z.infer<typeof SnapchatSettings>;

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<SnapchatSettings>): Promise<BuildResult> {
  const { payloads: data, ids, skipped } = await mapEvents(events, (e) =>
    snapEvent(e, ctx.eventName(e) ?? e.name, ctx.settings.default_phone_country),
  );
  if (data.length === 0) return { requests: [], skipped };
  const path = ctx.mode === "test" ? "events/validate" : "events";
  const token = encodeURIComponent(ctx.secrets.access_token ?? "");
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOST)}/${SNAP_API_VERSION}/${encodeURIComponent(ctx.settings.pixel_id)}/${path}?access_token=${token}`,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ data }),
        },
      },
    ],
  };
}

export const snapchat: DestinationDefinition<SnapchatSettings> = {
  type: "snapchat",
  title: "Snapchat Conversions API",
  purpose: "ads",
  adNetwork: true,
  settings: SnapchatSettings,
  secretKeys: ["access_token"],
  maxBatch: 2000,
  freshnessHours: 37 * 24,
  build,
  interpret: interpretSnap,
};
