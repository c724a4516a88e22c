/**
 * Reddit Conversions API v2.0 (shared/reference/destinations.md §6.3): `{"test_mode":…,"events":[…]}` to
 * /api/v2.0/conversions/events/<ad_account_id> with the conversion access token as a bearer token. Test mode
 * is `test_mode: true` in the body (Reddit validates but does not attribute).
 */
import { z } from "zod";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { baseUrl, defaultPhoneCountrySetting, mapEvents, secretNameSetting } from "../adFields.ts";
import type { BuildContext, BuildResult, DestinationDefinition } from "../types.ts";
import { redditEvent } from "./event.ts";

export const REDDIT_API_VERSION = "v2.0";
const HOST = "https://ads-api.reddit.com";

export const RedditSettings = z.object({
  ad_account_id: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, "the Reddit ad account id, e.g. t2_abc123")
    .describe("Reddit ad account id (Events Manager shows it)"),
  conversion_token: secretNameSetting("the Reddit conversion access token (Events Manager → Conversions API)"),
  default_phone_country: defaultPhoneCountrySetting,
});
export type RedditSettings = z.infer<typeof RedditSettings>;

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<RedditSettings>): Promise<BuildResult> {
  const { payloads: out, ids, skipped } = await mapEvents(events, (e) =>
    redditEvent(e, ctx.eventName(e) ?? e.name, ctx.settings.default_phone_country),
  );
  if (out.length === 0) return { requests: [], skipped };
  const account = encodeURIComponent(ctx.settings.ad_account_id);
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOST)}/api/${REDDIT_API_VERSION}/conversions/events/${account}`,
          headers: { authorization: `Bearer ${ctx.secrets.conversion_token ?? ""}`, "content-type": "application/json" },
          body: JSON.stringify({ test_mode: ctx.mode === "test", events: out }),
        },
      },
    ],
  };
}

export const reddit: DestinationDefinition<RedditSettings> = {
  type: "reddit",
  title: "Reddit Conversions API",
  purpose: "ads",
  adNetwork: true,
  settings: RedditSettings,
  secretKeys: ["conversion_token"],
  maxBatch: 1000,
  freshnessHours: 7 * 24,
  build,
};
