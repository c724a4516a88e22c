/** Every destination's contract module, in one list (one line per destination). */
import type { ContractModule } from "./types.ts";
import { webhookContract } from "./webhook.cases.ts";
import { hubspotContract } from "./hubspot.cases.ts";
import { salesforceContract } from "./salesforce.cases.ts";
import { linkedinContract } from "./linkedin.cases.ts";
import { snapchatContract } from "./snapchat.cases.ts";
import { pinterestContract } from "./pinterest.cases.ts";
import { redditContract } from "./reddit.cases.ts";
import { metaContract } from "./meta.cases.ts";
import { ga4Contract } from "./ga4.cases.ts";
import { tiktokContract } from "./tiktok.cases.ts";
import { googleAdsContract } from "./google_ads.cases.ts";
import { amplitudeContract, mixpanelContract, posthogContract, segmentContract } from "./analytics.cases.ts";

export const CONTRACTS: ContractModule[] = [
  webhookContract,
  hubspotContract,
  salesforceContract,
  linkedinContract,
  snapchatContract,
  pinterestContract,
  redditContract,
  metaContract,
  ga4Contract,
  tiktokContract,
  googleAdsContract,
  segmentContract,
  posthogContract,
  mixpanelContract,
  amplitudeContract,
];
