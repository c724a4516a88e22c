/** Every destination type Tagwire knows, in one list. Adding a destination means adding it here. */
import type { DestinationDefinition } from "./types.ts";
import { webhook } from "./webhook/index.ts";
import { hubspot } from "./hubspot/index.ts";
import { salesforce } from "./salesforce/index.ts";
import { linkedin } from "./linkedin/index.ts";
import { snapchat } from "./snapchat/index.ts";
import { pinterest } from "./pinterest/index.ts";
import { reddit } from "./reddit/index.ts";
import { meta } from "./meta/index.ts";
import { ga4 } from "./ga4/index.ts";
import { tiktok } from "./tiktok/index.ts";
import { googleAds } from "./google_ads/index.ts";
import { segment } from "./segment/index.ts";
import { posthog } from "./posthog/index.ts";
import { mixpanel } from "./mixpanel/index.ts";
import { amplitude } from "./amplitude/index.ts";

export const DESTINATIONS = [
  webhook,
  hubspot,
  salesforce,
  linkedin,
  snapchat,
  pinterest,
  reddit,
  meta,
  ga4,
  tiktok,
  googleAds,
  segment,
  posthog,
  mixpanel,
  amplitude,
] as const satisfies readonly DestinationDefinition[];

const byType = new Map<string, DestinationDefinition>(DESTINATIONS.map((d) => [d.type, d]));

export function definitionOf(type: string): DestinationDefinition {
  const d = byType.get(type);
  if (!d) throw new Error(`unknown destination type ${type}`);
  return d;
}
