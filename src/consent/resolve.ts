/**
 * Resolves the consent an event carries: regional default from cf.country, then what the SDK said (Google
 * Consent Mode v2 names), then GPC, which always denies ads.
 */
import type { Consent } from "../event/canonical.ts";
import type { Config } from "../config/schema.ts";
import { expandRegions } from "./regions.ts";

export type ConsentSignal = boolean | "granted" | "denied";

export interface ConsentInput {
  analytics_storage?: ConsentSignal | undefined;
  ad_storage?: ConsentSignal | undefined;
  ad_user_data?: ConsentSignal | undefined;
  ad_personalization?: ConsentSignal | undefined;
}

const regionCache = new WeakMap<readonly string[], Set<string>>();

function denySet(list: readonly string[]): Set<string> {
  let s = regionCache.get(list);
  if (!s) {
    s = expandRegions(list);
    regionCache.set(list, s);
  }
  return s;
}

function signal(v: ConsentSignal | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return v === true || v === "granted";
}

export function resolveConsent(
  cfg: Config["consent"],
  country: string | null,
  given: ConsentInput | undefined,
  gpc: boolean,
): Consent {
  const denied = country !== null && denySet(cfg.deny_regions).has(country);
  const baseAnalytics = denied ? false : cfg.default.analytics;
  const baseAds = denied ? false : cfg.default.ads;

  const analytics = signal(given?.analytics_storage) ?? baseAnalytics;
  let ads = signal(given?.ad_storage) ?? baseAds;
  let adUserData = signal(given?.ad_user_data) ?? ads;
  let adPersonalization = signal(given?.ad_personalization) ?? ads;
  const honoredGpc = gpc && cfg.honor_gpc;
  if (honoredGpc) {
    ads = false;
    adUserData = false;
    adPersonalization = false;
  }
  return { analytics, ads, ad_user_data: adUserData, ad_personalization: adPersonalization, gpc };
}
