/**
 * Google Consent Mode as gtag.js reports it on each hit, read into Tagwire's consent input.
 *
 * `gcs` = "G1" + ad_storage + analytics_storage, each 1 (granted), 0 (denied) or - (not set): G100, G111, G101.
 * `gcd` (Consent Mode v2) = "1" + a digit, then one letter per signal separated by digits, in the order
 * ad_storage, analytics_storage, ad_user_data, ad_personalization ("11p1p1p1p5", "13t3t3t3t5"). The letter says
 * the signal's default and update: l not set; p denied by default; q denied by default and update; t granted
 * by default; r denied by default, granted by update; m denied by update; n granted by update; u granted by
 * default, denied by update; v granted by default and update. What counts is the final state.
 */
import type { ConsentInput } from "../consent/resolve.ts";

const GRANTED = new Set(["t", "r", "n", "v"]);
const DENIED = new Set(["p", "q", "m", "u"]);
const GCD_ORDER = ["ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"] as const;

function letter(c: string | undefined): boolean | undefined {
  if (c === undefined) return undefined;
  if (GRANTED.has(c)) return true;
  if (DENIED.has(c)) return false;
  return undefined;
}

/** The four Consent Mode signals from `gcd`, or undefined for a value that is not of its form. */
export function parseGcd(gcd: string): ConsentInput | undefined {
  const m = /^1\d([a-z])\d([a-z])\d([a-z])\d([a-z])\d/i.exec(gcd);
  if (!m) return undefined;
  const out: ConsentInput = {};
  GCD_ORDER.forEach((k, i) => {
    const v = letter(m[i + 1]);
    if (v !== undefined) out[k] = v;
  });
  return out;
}

/** ad_storage and analytics_storage from `gcs`, or undefined for a value that is not of its form. */
export function parseGcs(gcs: string): ConsentInput | undefined {
  const m = /^G1([01-])([01-])$/.exec(gcs);
  if (!m) return undefined;
  const out: ConsentInput = {};
  if (m[1] !== "-") out.ad_storage = m[1] === "1";
  if (m[2] !== "-") out.analytics_storage = m[2] === "1";
  return out;
}

/**
 * What the hit says about consent: gcs (the current storage state) over gcd's two storage letters, and gcd's
 * ad_user_data / ad_personalization. Undefined when the page runs without Consent Mode: Tagwire's own
 * defaults (regions, GPC) then decide.
 */
export function consentOfHit(params: URLSearchParams): ConsentInput | undefined {
  const gcd = params.get("gcd");
  const gcs = params.get("gcs");
  const fromGcd = gcd ? parseGcd(gcd) : undefined;
  const fromGcs = gcs ? parseGcs(gcs) : undefined;
  if (!fromGcd && !fromGcs) return undefined;
  const out: ConsentInput = { ...fromGcd, ...fromGcs };
  return Object.keys(out).length ? out : undefined;
}
