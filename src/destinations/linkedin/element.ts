/**
 * One LinkedIn conversion event (`conversionEvents` element): rule URN, time in ms, value, eventId for dedupe
 * with the Insight Tag, and the user: SHA256_EMAIL and the li_fat_id click id, names only when allowed.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized } from "../../identity/hash.ts";
import { normalizeCountry, normalizeEmail } from "../../identity/normalize.ts";
import { unixMillis } from "../adFields.ts";

const URN = /^urn:lla:llaPartnerConversion:\d+$/;

/** The conversion rule URN from a mapped name: a bare rule id or the full URN; undefined otherwise. */
export function conversionUrn(name: string): string | undefined {
  const n = name.trim();
  if (/^\d+$/.test(n)) return `urn:lla:llaPartnerConversion:${n}`;
  return URN.test(n) ? n : undefined;
}

interface UserId {
  idType: "SHA256_EMAIL" | "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID";
  idValue: string;
}

/** The element, or undefined when the event has no user id LinkedIn accepts (it answers 422 without one). */
export async function conversionElement(e: CanonicalEvent, urn: string, sendNames: boolean): Promise<object | undefined> {
  const userIds: UserId[] = [];
  const email = e.user.email ? normalizeEmail(e.user.email) : undefined;
  if (email) userIds.push({ idType: "SHA256_EMAIL", idValue: await hashNormalized(email) });
  // An opaque first-party id: LinkedIn wants it as it came, never hashed.
  if (e.click_ids.li_fat_id) userIds.push({ idType: "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID", idValue: e.click_ids.li_fat_id });
  if (userIds.length === 0) return undefined;

  const user: Record<string, unknown> = { userIds };
  const first = e.user.first_name?.trim();
  const last = e.user.last_name?.trim();
  // userInfo requires both names; it is clear text, so it is sent only when the config opts in.
  if (sendNames && first && last) {
    const info: Record<string, string> = { firstName: first, lastName: last };
    const country = e.user.country ? normalizeCountry(e.user.country) : undefined;
    if (country) info.countryCode = country.toUpperCase();
    user.userInfo = info;
  }
  const el: Record<string, unknown> = {
    conversion: urn,
    conversionHappenedAt: unixMillis(e.time),
    eventId: e.event_id,
    user,
  };
  if (e.value !== null && e.currency) el.conversionValue = { currencyCode: e.currency, amount: String(e.value) };
  return el;
}
