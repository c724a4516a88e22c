/**
 * The hashed user-data fields Meta and Pinterest share (em, ph, fn, ln, ge, db, ct, st, zp, country,
 * external_id): each an array holding the SHA-256 hex of the normalized value, phone as digits with country
 * code. Fields that cannot be normalized are left out.
 */
import type { CanonicalEvent } from "../event/canonical.ts";
import { hashNormalized } from "../identity/hash.ts";
import {
  normalizeCity,
  normalizeCountry,
  normalizeDob,
  normalizeEmail,
  normalizeGender,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
} from "../identity/normalize.ts";
import { phoneCountryOf } from "./adFields.ts";

async function hashed(v: string | undefined): Promise<string[] | undefined> {
  return v ? [await hashNormalized(v)] : undefined;
}

export async function hashedUserFields(e: CanonicalEvent, phoneCountrySetting: string | undefined): Promise<Record<string, string[]>> {
  const u = e.user;
  const country = u.country ? normalizeCountry(u.country) : undefined;
  const external = u.external_id?.trim() || e.user_id?.trim() || undefined;
  const fields: Record<string, string[] | undefined> = {
    em: await hashed(u.email ? normalizeEmail(u.email) : undefined),
    ph: await hashed(u.phone ? normalizePhone(u.phone, "digits", phoneCountryOf(phoneCountrySetting, e)) : undefined),
    fn: await hashed(u.first_name ? normalizeName(u.first_name) : undefined),
    ln: await hashed(u.last_name ? normalizeName(u.last_name) : undefined),
    ge: await hashed(u.gender ? normalizeGender(u.gender) : undefined),
    db: await hashed(u.date_of_birth ? normalizeDob(u.date_of_birth) : undefined),
    ct: await hashed(u.city ? normalizeCity(u.city) : undefined),
    st: await hashed(u.state ? normalizeState(u.state) : undefined),
    zp: await hashed(u.postal_code ? normalizeZip(u.postal_code, country) : undefined),
    country: await hashed(country),
    external_id: await hashed(external),
  };
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(fields)) if (v) out[k] = v;
  return out;
}
