/**
 * PostHog capture (shared/reference/destinations.md §9.2): POST /batch/ with the project key in the body.
 * Each event's `uuid` is derived from the event_id (PostHog wants a UUID), so a retried event keeps its uuid.
 * page_viewed becomes `$pageview`, user_identified `$identify` with `$set` traits.
 */
import { z } from "zod";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { baseUrl, secretNameSetting } from "../adFields.ts";
import { attributionProps, distinctIdOf, traitsOf, uuidOf } from "../analyticsFields.ts";
import type { BuildContext, BuildResult, DestinationDefinition, Skip } from "../types.ts";

export const POSTHOG_API = "batch";
const HOSTS = { us: "https://us.i.posthog.com", eu: "https://eu.i.posthog.com" } as const;
const HISTORICAL_MS = 48 * 3_600_000;

export const PostHogSettings = z.object({
  api_key: secretNameSetting("the project API key (phc_…)"),
  region: z.enum(["us", "eu"]).default("us"),
});
export type PostHogSettings = z.infer<typeof PostHogSettings>;

async function capture(e: CanonicalEvent, name: string, distinctId: string): Promise<Record<string, unknown>> {
  const props: Record<string, unknown> = { ...attributionProps(e), ...e.properties, distinct_id: distinctId };
  if (e.value !== null) props.value = e.value;
  if (e.currency !== null) props.currency = e.currency;
  if (e.page.url) props.$current_url = e.page.url;
  if (e.page.path) props.$pathname = e.page.path;
  if (e.page.referrer) props.$referrer = e.page.referrer;
  if (e.context.ip) props.$ip = e.context.ip;
  if (e.context.user_agent) props.$raw_user_agent = e.context.user_agent;
  if (e.session_id) props.$session_id = e.session_id;
  for (const [k, v] of Object.entries(e.campaign)) if (v !== null) props[`utm_${k === "name" ? "campaign" : k}`] = v;
  const traits = traitsOf(e.user);
  if (traits) props.$set = traits;
  if (e.user_id && e.anonymous_id && e.name === "user_identified") props.$anon_distinct_id = e.anonymous_id;
  return { event: name, uuid: await uuidOf(e.event_id), timestamp: e.time, properties: props };
}

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<PostHogSettings>): Promise<BuildResult> {
  const skipped: Skip[] = [];
  const batch: Record<string, unknown>[] = [];
  const ids: string[] = [];
  let historical = false;
  for (const e of events) {
    const distinct = distinctIdOf(e);
    if (!distinct) {
      skipped.push({ event_id: e.event_id, reason: "no distinct_id (user_id or visitor id)" });
      continue;
    }
    batch.push(await capture(e, ctx.eventName(e) ?? e.name, distinct));
    ids.push(e.event_id);
    if (ctx.now() - Date.parse(e.time) > HISTORICAL_MS) historical = true;
  }
  if (!batch.length) return { requests: [], skipped };
  const body: Record<string, unknown> = { api_key: ctx.secrets.api_key ?? "", batch };
  // Events older than 48 h must be flagged as a backfill or PostHog may drop them.
  if (historical) body.historical_migration = true;
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOSTS[ctx.settings.region])}/${POSTHOG_API}/`,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        },
      },
    ],
  };
}

export const posthog: DestinationDefinition<PostHogSettings> = {
  type: "posthog",
  title: "PostHog",
  purpose: "analytics",
  adNetwork: false,
  settings: PostHogSettings,
  secretKeys: ["api_key"],
  maxBatch: 500,
  freshnessHours: 7 * 24,
  defaultEventName: (name) => (name === "page_viewed" ? "$pageview" : name === "user_identified" ? "$identify" : name),
  build,
};
