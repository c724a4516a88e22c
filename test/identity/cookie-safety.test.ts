/** Cookies Tagwire echoes or expires: Meta's cookies follow ads consent; values are validated and capped. */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { resolveVisitor } from "../../src/identity/visitor.ts";
import { setCookies, send } from "../helpers/worker.ts";

const cookies = Config.parse({ prefix: "/k7q", cookies: { domain: "shop.example.com" } }).cookies;
const ALL = { analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false };
const NO_ADS = { ...ALL, ads: false, ad_user_data: false, ad_personalization: false };
const FBP = "fb.1.1780000000000.1234567890";
const FBC = "fb.1.1780000000000.IwAR_abc";

const visitor = (cookieHeader: string, consent = ALL) =>
  resolveVisitor(cookies, { cookieHeader, now: Date.parse("2026-06-01T12:00:00Z"), seenClicks: [], consent, metaEnabled: true });

describe("Meta's cookies", () => {
  it("expires _fbp and _fbc when ads consent is withdrawn", async () => {
    const res = await send(
      { name: "lead_submitted", properties: { lead_id: "l1" }, consent: { analytics_storage: "granted", ad_storage: "denied" } },
      { headers: { cookie: `_fbp=${FBP}; _fbc=${FBC}` } },
    );
    expect(setCookies(res)).toEqual(expect.arrayContaining([expect.stringMatching(/^_fbp=; Path=\/; Max-Age=0;/), expect.stringMatching(/^_fbc=; Path=\/; Max-Age=0;/)]));
  });

  it("never echoes an _fbc that is oversized or not ASCII into Set-Cookie, and never an invented one", () => {
    for (const bad of [`fb.1.1780000000000.${"a".repeat(600)}`, "fb.1.1780000000000.IwAR\u00e9", "fb.1.1780000000000.a\u3000b"]) {
      const v = visitor(`_fbp=${FBP}; _fbc=${bad}`);
      expect(v.fbc).toBeUndefined();
      expect(v.setCookies.join("\n")).not.toContain(bad);
      for (const c of v.setCookies) expect(c).toMatch(/^[\x20-\x7e]{1,700}$/);
    }
  });

  it("keeps a valid _fbc and _fbp as they are", () => {
    const v = visitor(`_fbp=${FBP}; _fbc=${FBC}`);
    expect([v.fbp, v.fbc]).toEqual([FBP, FBC]);
  });

  it("passes vendor cookies on only as printable ASCII of at most 512 characters", () => {
    const v = visitor(`_ga=GA1.1.123.456; _ttp=bad\u00a0value; hubspotutk=${"x".repeat(513)}`, NO_ADS);
    expect(v.vendor).toEqual({ _ga: "GA1.1.123.456" });
  });

  it("keeps the click-id cookie under 3,000 characters, newest ids first", () => {
    const big = (c: string) => c.repeat(500);
    const keys = ["gclid", "fbclid", "ttclid", "li_fat_id", "msclkid", "ScCid", "rdt_cid", "epik"];
    const v = resolveVisitor(cookies, {
      cookieHeader: null,
      now: Date.parse("2026-06-01T12:00:00Z"),
      seenClicks: keys.map((k, i) => ({ [k]: big(String.fromCharCode(97 + i)) })),
      consent: ALL,
      metaEnabled: false,
    });
    const clk = v.setCookies.find((c) => c.startsWith("tw_clk="))!;
    expect(clk.split(";")[0]!.length).toBeLessThanOrEqual(3_010);
    expect(clk).toContain("gclid:");
  });
});
