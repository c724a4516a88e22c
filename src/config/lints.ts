/** Naming rules the config is checked against: ad-blocker-proof prefixes and snake_case event names. */

export const EVENT_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

/** Substrings that ad-blocker filter lists match in paths. */
export const BLOCKED_PREFIX_WORDS = [
  "track",
  "collect",
  "analytics",
  "event",
  "pixel",
  "beacon",
  "tag",
  "metrics",
  "stats",
  "telemetry",
  "google",
  "gtm",
  "facebook",
  "meta",
  "fbevents",
  "tiktok",
  "segment",
  "mixpanel",
  "amplitude",
  "posthog",
  "hubspot",
  "linkedin",
  "pinterest",
  "snap",
  "reddit",
  "adsystem",
  "doubleclick",
] as const;

export function blockedPrefixWord(prefix: string): string | undefined {
  const p = prefix.toLowerCase();
  return BLOCKED_PREFIX_WORDS.find((w) => p.includes(w));
}
