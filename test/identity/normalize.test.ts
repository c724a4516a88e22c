/** Normalization tables: tricky inputs → the exact normalized form and, where the reference gives it, the hash. */
import { describe, expect, it } from "vitest";
import { hashNormalized, sha256Hex } from "../../src/identity/hash.ts";
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
} from "../../src/identity/normalize.ts";

const EMAIL_HASH = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
const PHONE_DIGITS_HASH = "5e7ec4c79ccac6e420876e65ad0e6b4b2ccf73ec3dccb50297bf2890a1ec73b9";
const PHONE_E164_HASH = "40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0";

describe("email", () => {
  const cases: [string, { googleDots?: boolean } | undefined, string | undefined][] = [
    ["Jane.Doe@Example.com ", undefined, "jane.doe@example.com"],
    ["  JANE.DOE@EXAMPLE.COM\t", undefined, "jane.doe@example.com"],
    ["Jane.Doe@Gmail.com", { googleDots: true }, "janedoe@gmail.com"],
    ["j.a.n.e@googlemail.com", { googleDots: true }, "jane@googlemail.com"],
    ["Jane.Doe@Gmail.com", undefined, "jane.doe@gmail.com"],
    ["jane.doe@example.com", { googleDots: true }, "jane.doe@example.com"],
    ["jane+promo@example.com", undefined, "jane+promo@example.com"],
    ["not-an-email", undefined, undefined],
    ["jane@", undefined, undefined],
    ["", undefined, undefined],
  ];
  it.each(cases)("normalizes %j (%j) to %j", (raw, opts, want) => expect(normalizeEmail(raw, opts)).toBe(want));

  it("hashes the fixture email to the reference value", async () => {
    expect(await sha256Hex(normalizeEmail("Jane.Doe@Example.com ")!)).toBe(EMAIL_HASH);
  });
});

describe("phone", () => {
  const cases: [string, "digits" | "e164", string | null, string | undefined][] = [
    ["+1 (415) 555-0100", "digits", null, "14155550100"],
    ["+1 (415) 555-0100", "e164", null, "+14155550100"],
    ["001 415 555 0100", "digits", null, "14155550100"],
    ["(415) 555-0100", "digits", "US", "14155550100"],
    ["415.555.0100", "e164", "US", "+14155550100"],
    ["1-415-555-0100", "e164", "US", "+14155550100"],
    ["030 1234567", "digits", "DE", "49301234567"],
    ["0171 2345678", "e164", "DE", "+491712345678"],
    ["+49 (0)30 1234567", "digits", "DE", "49301234567"],
    ["+44 (0)20 7946 0958", "digits", "GB", "442079460958"],
    ["+44 (0)20 7946 0958", "e164", null, "+442079460958"],
    ["07700 900123", "e164", "GB", "+447700900123"],
    ["06 12345678", "digits", "IT", "390612345678"],
    ["0041 44 668 18 00", "digits", "US", "41446681800"],
    ["+33 6 12 34 56 78", "e164", "FR", "+33612345678"],
    ["415-555-0100 ext. 12", "digits", "US", "14155550100"],
    ["call me maybe", "digits", "US", undefined],
    ["12345", "digits", "US", undefined],
    ["", "e164", "US", undefined],
  ];
  it.each(cases)("normalizes %j as %s (default country %s) to %j", (raw, fmt, cc, want) =>
    expect(normalizePhone(raw, fmt, cc)).toBe(want),
  );

  it("hashes the fixture phone to the reference values, and never to the national-only hash", async () => {
    expect(await sha256Hex(normalizePhone("+1 (415) 555-0100", "digits")!)).toBe(PHONE_DIGITS_HASH);
    expect(await sha256Hex(normalizePhone("+1 (415) 555-0100", "e164")!)).toBe(PHONE_E164_HASH);
    expect(await sha256Hex(normalizePhone("(415) 555-0100", "digits", "US")!)).not.toBe(
      "3f542cd020c951ba53b2e3a699d5fc802ed999e3464e82a3ec20562751292762",
    );
  });
});

describe("names, places and dates", () => {
  const cases: [string, (v: string) => string | undefined, string, string | undefined][] = [
    ["first name", normalizeName, " Jane ", "jane"],
    ["unicode name", normalizeName, "Zoë", "zoë"],
    ["decomposed unicode name", normalizeName, "Zoe\u0308", "zoë"],
    ["hyphenated name", normalizeName, "Anne-Marie", "annemarie"],
    ["name with apostrophe", normalizeName, "O'Brien", "obrien"],
    ["Google keeps spaces", (v) => normalizeName(v, { keepSpaces: true }), "  Mary   Ann ", "mary ann"],
    ["punctuation only", normalizeName, "...", undefined],
    ["city", normalizeCity, "San Francisco", "sanfrancisco"],
    ["city with digits", normalizeCity, "Paris 15e", "parise"],
    ["state code", normalizeState, "CA", "ca"],
    ["state name", normalizeState, "California", "ca"],
    ["two-word state", normalizeState, "New York", "ny"],
    ["ZIP+4", (v) => normalizeZip(v, "US"), "94107-1234", "94107"],
    ["UK postcode", (v) => normalizeZip(v, "GB"), "SW1A 1AA", "sw1a1aa"],
    ["country code", normalizeCountry, "US", "us"],
    ["country name", normalizeCountry, "United States", "us"],
    ["country with accent", normalizeCountry, "Österreich", "at"],
    ["unknown country", normalizeCountry, "Atlantis", undefined],
    ["the UK's common alias (not ISO 3166-1)", normalizeCountry, "uk", "gb"],
    ["the UK alias in capitals", normalizeCountry, "UK", "gb"],
    ["gender word", normalizeGender, "Female", "f"],
    ["gender letter", normalizeGender, " M ", "m"],
    ["other gender", normalizeGender, "nonbinary", undefined],
    ["ISO date", normalizeDob, "1990-01-31", "19900131"],
    ["European date", normalizeDob, "31.01.1990", "19900131"],
    ["US date", normalizeDob, "01/31/1990", "19900131"],
    ["compact date", normalizeDob, "19900131", "19900131"],
    ["impossible date", normalizeDob, "1990-02-30", undefined],
  ];
  it.each(cases)("normalizes a %s (%j) to %j", (_label, fn, raw, want) => expect(fn(raw)).toBe(want));
});

describe("already hashed values", () => {
  it("pass through unchanged (lowercased), without being hashed again", async () => {
    expect(await hashNormalized(EMAIL_HASH)).toBe(EMAIL_HASH);
    expect(await hashNormalized(EMAIL_HASH.toUpperCase())).toBe(EMAIL_HASH);
    expect(await hashNormalized("jane.doe@example.com")).toBe(EMAIL_HASH);
  });
});

describe("pre-hashed traits", () => {
  const H = "86E0B9E56C17CC4D12387E1949B85053FBE73BC3CE5A1188713A9D300CC6133D";
  it.each([
    ["email", (v: string) => normalizeEmail(v, { googleDots: true })],
    ["phone (digits)", (v: string) => normalizePhone(v, "digits", "US")],
    ["phone (E.164)", (v: string) => normalizePhone(v, "e164")],
    ["name", (v: string) => normalizeName(v)],
    ["city", (v: string) => normalizeCity(v)],
    ["state", normalizeState],
    ["zip", (v: string) => normalizeZip(v, "US")],
    ["country", normalizeCountry],
    ["gender", normalizeGender],
    ["date of birth", normalizeDob],
  ])("pass a SHA-256 %s through unchanged (lowercased), so it is not hashed twice or mangled", (_label, fn) => {
    expect(fn(` ${H} `)).toBe(H.toLowerCase());
  });
});
