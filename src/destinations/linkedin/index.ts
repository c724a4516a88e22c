/**
 * LinkedIn Conversions API (shared/reference/destinations.md §5): events go as one BATCH_CREATE to
 * /rest/conversionEvents, each naming the conversion rule it counts for. The event map's vendor name is that
 * rule: its id or its full `urn:lla:llaPartnerConversion:<id>`. LinkedIn has no test mode.
 */
import { z } from "zod";
import { baseUrl, mapEvents, secretNameSetting } from "../adFields.ts";
import type { CanonicalEvent } from "../../event/canonical.ts";
import type { BuildContext, BuildResult, BuiltRequest, DestinationDefinition } from "../types.ts";
import { conversionElement, conversionUrn } from "./element.ts";
import { interpretLinkedIn } from "./interpret.ts";

/** The `LinkedIn-Version` header: LinkedIn versions its API monthly and sunsets each version after a year. */
export const LINKEDIN_VERSION = "202603";
const HOST = "https://api.linkedin.com";

export const LinkedInSettings = z.object({
  access_token: secretNameSetting("the LinkedIn OAuth token (scopes rw_conversions and r_ads)"),
  send_names: z
    .boolean()
    .default(false)
    .describe("Send first and last name in clear text as userInfo (LinkedIn matches on them; off by default)"),
});
export type LinkedInSettings = z.infer<typeof LinkedInSettings>;

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<LinkedInSettings>): Promise<BuildResult> {
  if (ctx.mode === "test") {
    const reason = "LinkedIn has no test mode: nothing sent (use mode = \"dry_run\" to inspect requests)";
    return { requests: [], skipped: events.map((e) => ({ event_id: e.event_id, reason })) };
  }
  const { payloads: elements, ids, skipped } = await mapEvents(events, async (e) => {
    const urn = conversionUrn(ctx.eventName(e) ?? "");
    if (!urn) return "LinkedIn conversion must be a conversion rule id or urn:lla:llaPartnerConversion:<id>";
    const el = await conversionElement(e, urn, ctx.settings.send_names);
    return el ?? "LinkedIn needs a user id: an email (SHA256_EMAIL) or an li_fat_id click id";
  });
  const requests: BuiltRequest[] = [];
  if (elements.length > 0) {
    requests.push({
      event_ids: ids,
      request: {
        method: "POST",
        url: `${baseUrl(ctx.endpoint, HOST)}/rest/conversionEvents`,
        headers: {
          authorization: `Bearer ${ctx.secrets.access_token ?? ""}`,
          "content-type": "application/json",
          "linkedin-version": LINKEDIN_VERSION,
          "x-restli-protocol-version": "2.0.0",
          // Always a batch, even of one: its answer reports each event's status separately.
          "x-restli-method": "BATCH_CREATE",
        },
        body: JSON.stringify({ elements }),
      },
    });
  }
  return { requests, skipped };
}

export const linkedin: DestinationDefinition<LinkedInSettings> = {
  type: "linkedin",
  title: "LinkedIn Conversions API",
  purpose: "ads",
  adNetwork: true,
  settings: LinkedInSettings,
  secretKeys: ["access_token"],
  maxBatch: 5000,
  freshnessHours: 90 * 24,
  build,
  interpret: interpretLinkedIn,
};
