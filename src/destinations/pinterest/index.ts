/**
 * Pinterest Conversions API v5 (shared/reference/destinations.md §6.2): `{"data":[…]}` to
 * /v5/ad_accounts/<id>/events with the conversion token as a bearer token; test mode adds `?test=true`
 * (Pinterest validates and answers as usual but records nothing).
 */
import { z } from "zod";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { baseUrl, defaultPhoneCountrySetting, mapEvents, secretNameSetting } from "../adFields.ts";
import type { BuildContext, BuildResult, DestinationDefinition } from "../types.ts";
import { pinterestEvent } from "./event.ts";
import { interpretPinterest } from "./interpret.ts";

export const PINTEREST_API_VERSION = "v5";
const HOST = "https://api.pinterest.com";

export const PinterestSettings = z.object({
  ad_account_id: z.string().regex(/^\d+$/, "the numeric Pinterest ad account id").describe("Pinterest ad account id"),
  conversion_token: secretNameSetting("the Pinterest conversion access token (Ads Manager → Conversions)"),
  default_phone_country: defaultPhoneCountrySetting,
});
export type PinterestSettings = z.infer<typeof PinterestSettings>;

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<PinterestSettings>): Promise<BuildResult> {
  const { payloads: data, ids, skipped } = await mapEvents(events, (e) =>
    pinterestEvent(e, ctx.eventName(e) ?? e.name, ctx.settings.default_phone_country),
  );
  if (data.length === 0) return { requests: [], skipped };
  const account = encodeURIComponent(ctx.settings.ad_account_id);
  const query = ctx.mode === "test" ? "?test=true" : "";
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOST)}/${PINTEREST_API_VERSION}/ad_accounts/${account}/events${query}`,
          headers: { authorization: `Bearer ${ctx.secrets.conversion_token ?? ""}`, "content-type": "application/json" },
          body: JSON.stringify({ data }),
        },
      },
    ],
  };
}

export const pinterest: DestinationDefinition<PinterestSettings> = {
  type: "pinterest",
  title: "Pinterest Conversions API",
  purpose: "ads",
  adNetwork: true,
  settings: PinterestSettings,
  secretKeys: ["conversion_token"],
  maxBatch: 1000,
  freshnessHours: 7 * 24,
  build,
  interpret: interpretPinterest,
  // Pinterest allows 5,000 calls a minute per ad account.
  rateLimit: { requests: 5000, perSeconds: 60 },
};
