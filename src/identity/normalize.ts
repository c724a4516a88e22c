/**
 * Normalization of user traits before hashing. Vendors differ (see shared/reference/destinations.md §0.2):
 * each destination picks the variant its API specifies.
 */

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Digits only, with country code, no "+" (Meta, Snapchat, Pinterest). Undefined when no digits remain. */
export function normalizePhoneDigits(raw: string): string | undefined {
  let d = raw.trim().replace(/[^\d+]/g, "");
  if (d.startsWith("+")) d = d.slice(1);
  else if (d.startsWith("00")) d = d.slice(2);
  d = d.replace(/\D/g, "");
  return d.length >= 6 ? d : undefined;
}

/** E.164 with a leading "+" (Google, TikTok). */
export function normalizePhoneE164(raw: string): string | undefined {
  const d = normalizePhoneDigits(raw);
  return d ? `+${d}` : undefined;
}

/** Lowercase, trimmed, letters only (names, cities per Meta's rules). */
export function normalizeName(raw: string): string {
  return raw.trim().toLowerCase().normalize("NFC").replace(/[\s\p{P}\p{S}\d]/gu, "");
}
