/**
 * Normalization of user traits before hashing, per vendor rules (shared/reference/destinations.md §0.2 and each
 * vendor's section). Vendors differ: phone is digits-with-country-code for Meta/Snap/Pinterest but E.164 with
 * "+" for Google and TikTok; Google alone drops dots in gmail local parts. Each adapter picks its variant.
 * Every function returns undefined when nothing valid remains, so a broken value is left out, never sent, and
 * every function passes a value that already is a SHA-256 hex digest through (lowercased), so a backend can
 * send pre-hashed traits.
 */
import { isSha256Hex } from "./hash.ts";
import { Recent } from "./recent.ts";

// The identifiers most destinations take (email, phone, names) come through here once per destination: each
// variant's result is remembered per raw value (keys start with the variant). The consumer maps a batch of up
// to 100 events destination by destination, a dozen variants each: the memo holds several batches' worth.
const recent = new Recent<string | undefined>(2048);

/** A pre-hashed value, lowercased; undefined when `raw` is not one. */
function prehashed(raw: string): string | undefined {
  const t = raw.trim();
  return isSha256Hex(t) ? t.toLowerCase() : undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trim and lowercase; `googleDots` removes "." before the @ of gmail.com / googlemail.com (Google only). */
export function normalizeEmail(raw: string, opts: { googleDots?: boolean } = {}): string | undefined {
  return recent.get(`${opts.googleDots ? "eg" : "e"}\u0000${raw}`, () => email(raw, opts.googleDots === true));
}

function email(raw: string, googleDots: boolean): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  let e = raw.trim().toLowerCase();
  if (!EMAIL.test(e)) return undefined;
  if (googleDots) {
    const at = e.lastIndexOf("@");
    const domain = e.slice(at + 1);
    if (domain === "gmail.com" || domain === "googlemail.com") e = `${e.slice(0, at).replace(/\./g, "")}@${domain}`;
  }
  return e;
}

/** Country calling codes (ITU E.164) for the markets Tagwire's users sell in. */
export const CALLING_CODES: Readonly<Record<string, string>> = {
  US: "1", CA: "1", PR: "1", GB: "44", IE: "353", DE: "49", AT: "43", CH: "41", LI: "423", FR: "33", BE: "32",
  NL: "31", LU: "352", ES: "34", PT: "351", IT: "39", MT: "356", GR: "30", CY: "357", SE: "46", NO: "47",
  DK: "45", FI: "358", IS: "354", EE: "372", LV: "371", LT: "370", PL: "48", CZ: "420", SK: "421", HU: "36",
  RO: "40", BG: "359", HR: "385", SI: "386", RS: "381", UA: "380", TR: "90", IL: "972", AE: "971", SA: "966",
  QA: "974", EG: "20", MA: "212", ZA: "27", NG: "234", KE: "254", IN: "91", PK: "92", SG: "65", MY: "60",
  TH: "66", ID: "62", PH: "63", VN: "84", CN: "86", HK: "852", TW: "886", JP: "81", KR: "82", AU: "61",
  NZ: "64", BR: "55", MX: "52", AR: "54", CL: "56", CO: "57", PE: "51",
};

/** Countries whose national numbers keep their leading 0 after the country code (Italy's landlines). */
const KEEPS_TRUNK_ZERO = new Set(["IT"]);

function internationalDigits(raw: string, defaultCountry: string | null | undefined): string | undefined {
  const t = raw.trim();
  if (!/\d/.test(t) || /[a-z]{3,}/i.test(t.replace(/ext\.?\s*\d+$/i, ""))) return undefined;
  let withoutExt = t.replace(/\s*(ext\.?|x|#)\s*\d+$/i, "");
  // "+44 (0)20 …": the bracketed trunk 0 is dialled only from inside the country, never after its code.
  if (/^(\+|00)/.test(withoutExt)) withoutExt = withoutExt.replace(/\(\s*0\s*\)/g, "");
  const plus = withoutExt.replace(/[^\d+]/g, "");
  let digits: string;
  if (plus.startsWith("+")) digits = plus.slice(1).replace(/\D/g, "");
  else if (plus.startsWith("00")) digits = plus.slice(2);
  else {
    const national = plus.replace(/\D/g, "");
    const country = defaultCountry?.toUpperCase();
    const cc = country ? CALLING_CODES[country] : undefined;
    if (!cc) {
      // No country to go on: accept it only if it already looks international (country code included).
      digits = national;
    } else if (national.startsWith("0")) {
      digits = cc + (KEEPS_TRUNK_ZERO.has(country!) ? national : national.replace(/^0+/, ""));
    } else if (national.startsWith(cc) && national.length >= 11) {
      digits = national;
    } else {
      digits = cc + national;
    }
  }
  return digits.length >= 7 && digits.length <= 15 && !digits.startsWith("0") ? digits : undefined;
}

/**
 * "digits": country code and number, digits only (Meta, Snapchat, Pinterest). "e164": the same with "+"
 * (Google, TikTok). National numbers take the calling code of `defaultCountry` (ISO alpha-2).
 */
export function normalizePhone(
  raw: string,
  format: "digits" | "e164",
  defaultCountry?: string | null,
): string | undefined {
  return recent.get(`p${format}\u0000${defaultCountry ?? ""}\u0000${raw}`, () => phone(raw, format, defaultCountry));
}

function phone(raw: string, format: "digits" | "e164", defaultCountry: string | null | undefined): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  const d = internationalDigits(raw, defaultCountry);
  return d === undefined ? undefined : format === "e164" ? `+${d}` : d;
}

const PUNCT_DIGITS = /[\p{P}\p{S}\d]/gu;

/** Lowercase, trimmed, NFC, no punctuation or digits; spaces removed unless `keepSpaces` (Google keeps them). */
export function normalizeName(raw: string, opts: { keepSpaces?: boolean } = {}): string | undefined {
  return recent.get(`${opts.keepSpaces ? "ns" : "n"}\u0000${raw}`, () => name(raw, opts.keepSpaces === true));
}

function name(raw: string, keepSpaces: boolean): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  const base = raw.normalize("NFC").trim().toLowerCase().replace(PUNCT_DIGITS, "");
  const out = keepSpaces ? base.replace(/\s+/g, " ").trim() : base.replace(/\s+/g, "");
  return out || undefined;
}

/** Meta `ct`: lowercase letters only (no digits, spaces or punctuation). */
export function normalizeCity(raw: string, opts: { keepSpaces?: boolean } = {}): string | undefined {
  return normalizeName(raw, opts);
}

const US_STATES: Readonly<Record<string, string>> = {
  alabama: "al", alaska: "ak", arizona: "az", arkansas: "ar", california: "ca", colorado: "co", connecticut: "ct",
  delaware: "de", florida: "fl", georgia: "ga", hawaii: "hi", idaho: "id", illinois: "il", indiana: "in",
  iowa: "ia", kansas: "ks", kentucky: "ky", louisiana: "la", maine: "me", maryland: "md", massachusetts: "ma",
  michigan: "mi", minnesota: "mn", mississippi: "ms", missouri: "mo", montana: "mt", nebraska: "ne", nevada: "nv",
  newhampshire: "nh", newjersey: "nj", newmexico: "nm", newyork: "ny", northcarolina: "nc", northdakota: "nd",
  ohio: "oh", oklahoma: "ok", oregon: "or", pennsylvania: "pa", rhodeisland: "ri", southcarolina: "sc",
  southdakota: "sd", tennessee: "tn", texas: "tx", utah: "ut", vermont: "vt", virginia: "va", washington: "wa",
  westvirginia: "wv", wisconsin: "wi", wyoming: "wy", districtofcolumbia: "dc",
};

/** State or region: a 2-letter lowercase code where one is known (US names map to theirs), else letters only. */
export function normalizeState(raw: string): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  const s = raw.normalize("NFC").trim().toLowerCase().replace(/[\s\p{P}\p{S}\d]/gu, "");
  if (!s) return undefined;
  return US_STATES[s] ?? s;
}

/** Lowercase, no spaces; US ZIP+4 keeps the five digits before "-". */
export function normalizeZip(raw: string, country?: string | null): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  const z = raw.trim().toLowerCase();
  const us = (country ?? "").toUpperCase() === "US" || /^\d{5}-\d{4}$/.test(z);
  const out = (us ? z.split("-")[0]! : z).replace(/\s+/g, "");
  return /^[a-z0-9-]{2,10}$/.test(out) ? out : undefined;
}

const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  usa: "us", el: "gr", unitedstates: "us", unitedstatesofamerica: "us", uk: "gb", unitedkingdom: "gb", greatbritain: "gb",
  england: "gb", germany: "de", deutschland: "de", france: "fr", spain: "es", espana: "es", italy: "it",
  italia: "it", netherlands: "nl", switzerland: "ch", schweiz: "ch", austria: "at", osterreich: "at",
  canada: "ca", australia: "au", ireland: "ie", sweden: "se", norway: "no", denmark: "dk", poland: "pl",
  belgium: "be", portugal: "pt", japan: "jp", brazil: "br", mexico: "mx", india: "in",
};

/** ISO 3166-1 alpha-2, lowercase ("US", "usa", "United States" → "us"). */
export function normalizeCountry(raw: string): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  const c = raw.normalize("NFD").replace(/\p{M}/gu, "").trim().toLowerCase().replace(/[\s\p{P}]/gu, "");
  // Aliases first: "uk" is two letters but not an ISO code (the kingdom is GB).
  const alias = Object.hasOwn(COUNTRY_ALIASES, c) ? COUNTRY_ALIASES[c] : undefined;
  if (alias) return alias;
  return /^[a-z]{2}$/.test(c) ? c : undefined;
}

/** "f" or "m" (male/female/man/woman/m/f in any case); anything else is left out. */
export function normalizeGender(raw: string): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  const g = raw.trim().toLowerCase();
  if (["f", "female", "woman", "w", "frau", "weiblich"].includes(g)) return "f";
  if (["m", "male", "man", "mann", "männlich", "maennlich"].includes(g)) return "m";
  return undefined;
}

/**
 * Date of birth as YYYYMMDD. Accepts YYYY-MM-DD (or / . separators), YYYYMMDD, DD.MM.YYYY (dots, European) and
 * MM/DD/YYYY (slashes, US). Impossible dates are left out.
 */
export function normalizeDob(raw: string): string | undefined {
  const hashed = prehashed(raw);
  if (hashed) return hashed;
  const t = raw.trim();
  let y: number, m: number, d: number;
  let r: RegExpMatchArray | null;
  if ((r = t.match(/^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:T.*)?$/))) [y, m, d] = [+r[1]!, +r[2]!, +r[3]!];
  else if ((r = t.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/))) [d, m, y] = [+r[1]!, +r[2]!, +r[3]!];
  else if ((r = t.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/))) [m, d, y] = [+r[1]!, +r[2]!, +r[3]!];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900) return undefined;
  return `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`;
}
