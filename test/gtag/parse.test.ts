import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { consentOfHit, parseGcd, parseGcs } from "../../src/gtag/consent.ts";
import { planNameOf, rawEventOf } from "../../src/gtag/event.ts";
import { hitErrors, hitsOf } from "../../src/gtag/hits.ts";
import { itemsOfHit, parseItem } from "../../src/gtag/items.ts";
import { rewriteLoader, upstreamUrl } from "../../src/gtag/loader.ts";
import { CID, checkoutShared, ENGAGEMENT_LINE, pageViewQuery, PURCHASE_LINE } from "./fixtures.ts";

function config(patch: (c: Record<string, any>) => void = () => {}): Config {
  const c = structuredClone((env as unknown as { TAGWIRE_CONFIG: Record<string, any> }).TAGWIRE_CONFIG);
  c.gtag = {};
  patch(c);
  const r = parseConfig(c);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

describe("gtag hits", () => {
  it("reads one hit from a GET query string", () => {
    const hits = hitsOf(`?${pageViewQuery()}`, "");
    expect(hits).toHaveLength(1);
    expect(hits[0]!.get("en")).toBe("page_view");
    expect(hitErrors(hits[0]!, "")).toEqual([]);
  });

  it("lays each POST body line over the shared query parameters", () => {
    const hits = hitsOf(`?${checkoutShared({ cid: CID }).toString()}`, `${PURCHASE_LINE}\n${ENGAGEMENT_LINE}\n`);
    expect(hits.map((h) => h.get("en"))).toEqual(["purchase", "user_engagement"]);
    expect(hits.every((h) => h.get("cid") === CID && h.get("uid") === "user_42")).toBe(true);
    expect(hits[1]!.get("_et")).toBe("5400");
    expect(hits[1]!.get("ep.transaction_id")).toBeNull();
  });

  it("names the parameter that makes a hit unusable", () => {
    const hit = new URLSearchParams("v=1&tid=UA-1-1&epn.value=abc");
    expect(hitErrors(hit, "batch[2]").map((e) => e.path)).toEqual(["batch[2].v", "batch[2].tid", "batch[2].en", "batch[2].epn.value"]);
  });
});

describe("Consent Mode on hits", () => {
  it("reads gcs as G1 + ad_storage + analytics_storage", () => {
    expect(parseGcs("G100")).toEqual({ ad_storage: false, analytics_storage: false });
    expect(parseGcs("G101")).toEqual({ ad_storage: false, analytics_storage: true });
    expect(parseGcs("G110")).toEqual({ ad_storage: true, analytics_storage: false });
    expect(parseGcs("G1--")).toEqual({});
    expect(parseGcs("nonsense")).toBeUndefined();
  });

  it("reads gcd's final state per signal: p/q/m/u denied, t/r/n/v granted, l not set", () => {
    expect(parseGcd("11p1p1p1p5")).toEqual({ ad_storage: false, analytics_storage: false, ad_user_data: false, ad_personalization: false });
    expect(parseGcd("13t3t3t3t5")).toEqual({ ad_storage: true, analytics_storage: true, ad_user_data: true, ad_personalization: true });
    // Denied by default, then granted by the banner (r); granted by default, then denied (u).
    expect(parseGcd("13r3r3u3u5")).toEqual({ ad_storage: true, analytics_storage: true, ad_user_data: false, ad_personalization: false });
    expect(parseGcd("13l3l3l3l1l1")).toEqual({});
  });

  it("lets gcs decide storage and gcd the two v2 signals", () => {
    const hit = new URLSearchParams("gcs=G101&gcd=13q3q3t3p5");
    expect(consentOfHit(hit)).toEqual({ ad_storage: false, analytics_storage: true, ad_user_data: true, ad_personalization: false });
    expect(consentOfHit(new URLSearchParams("v=2"))).toBeUndefined();
  });
});

describe("GA4 items (pr1…)", () => {
  it("reads two-letter fields separated by ~, numbers as numbers, custom k/v pairs", () => {
    expect(parseItem("idSKU_1~nmRunning Shoe~brAcme~caShoes~vaRed~pr29.99~qt2~k0size~v044")).toEqual({
      id: "SKU_1",
      name: "Running Shoe",
      brand: "Acme",
      category: "Shoes",
      variant: "Red",
      price: 29.99,
      quantity: 2,
      size: "44",
    });
  });

  it("keeps item order by index and ignores unsafe custom keys", () => {
    const hit = new URLSearchParams({ pr2: "idB", pr1: "idA~k0constructor~v0x" });
    expect(itemsOfHit(hit)).toEqual([{ id: "A" }, { id: "B" }]);
  });
});

describe("a hit as a raw event", () => {
  it("maps GA4 names to plan names, with the config's map first", () => {
    const cfg = config((c) => (c.gtag.events = { newsletter_signup: "newsletter_subscribed" }));
    expect(planNameOf(cfg, "purchase")).toBe("purchase_completed");
    expect(planNameOf(cfg, "page_view")).toBe("page_viewed");
    expect(planNameOf(cfg, "newsletter_signup")).toBe("newsletter_subscribed");
    expect(planNameOf(cfg, "constructor")).toBe("constructor");
  });

  it("turns a purchase hit into properties, items, page, user id and consent", () => {
    const hit = hitsOf(`?${checkoutShared().toString()}`, PURCHASE_LINE)[0]!;
    expect(rawEventOf(config(), hit)).toEqual({
      name: "purchase_completed",
      type: "track",
      properties: {
        order_id: "T_1001",
        value: 59.98,
        tax: 4.9,
        shipping: 5,
        coupon: "SUMMER",
        currency: "USD",
        items: [
          { id: "SKU_1", name: "Running Shoe", brand: "Acme", category: "Shoes", variant: "Red", price: 29.99, quantity: 2, size: "44" },
          { id: "SKU_2", name: "Socks", price: 0, quantity: 1 },
        ],
      },
      page: { url: "https://shop.example.com/checkout/complete", title: "Thank you", referrer: "https://shop.example.com/checkout" },
      user_id: "user_42",
      consent: { ad_storage: true, analytics_storage: true, ad_user_data: true, ad_personalization: true },
    });
  });

  it("cuts long values to the pipeline's bounds instead of losing the hit", () => {
    const long = "x".repeat(3000);
    const raw = rawEventOf(config(), new URLSearchParams({ v: "2", tid: "G-TEST1234", en: "page_view", dl: `https://shop.example.com/?q=${long}`, "ep.note": long }));
    expect((raw.page as { url: string }).url).toHaveLength(2048);
    expect((raw.properties as { note: string }).note).toHaveLength(1024);
  });

  it("coerces ep.* strings to the plan's number type", () => {
    const cfg = config();
    const hit = new URLSearchParams("v=2&tid=G-TEST1234&en=generate_lead&ep.lead_id=L1&ep.score=85");
    expect(rawEventOf(cfg, hit).properties).toEqual({ lead_id: "L1", score: 85 });
  });
});

describe("the first-party loader", () => {
  it("loads gtag.js for G- ids and gtm.js for GTM- ids", () => {
    expect(upstreamUrl("https://www.googletagmanager.com/", "G-TEST1234")).toBe("https://www.googletagmanager.com/gtag/js?id=G-TEST1234");
    expect(upstreamUrl("https://www.googletagmanager.com", "GTM-ABC1234")).toBe("https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234");
  });

  it("rewrites the collect path, plain and escaped", () => {
    expect(rewriteLoader('a="/g/collect";b="\\/g\\/collect"', "/g2")).toBe('a="/g2";b="\\/g2"');
  });
});

describe("[gtag] config", () => {
  it("rejects a path ad blockers match and a path Tagwire already serves", () => {
    const base = structuredClone((env as unknown as { TAGWIRE_CONFIG: Record<string, any> }).TAGWIRE_CONFIG);
    const r1 = parseConfig({ ...base, gtag: { path: "/collect" } });
    expect(r1.ok ? [] : r1.problems).toEqual([expect.objectContaining({ path: "gtag.path", message: expect.stringContaining('"collect"') })]);
    const r2 = parseConfig({ ...base, gtag: { path: "/e" } });
    expect(r2.ok ? [] : r2.problems.map((p) => p.path)).toEqual(["gtag.path"]);
    const r3 = parseConfig({ ...base, gtag: { loader: { ids: ["G-TEST1234"], path: "/gtm.js" } } });
    expect(r3.ok ? [] : r3.problems.map((p) => p.path)).toEqual(["gtag.loader.path"]);
  });

  it("requires api_secret for GA4 unless its transport is collect", () => {
    const base = structuredClone((env as unknown as { TAGWIRE_CONFIG: Record<string, any> }).TAGWIRE_CONFIG);
    const mp = parseConfig({ ...base, destinations: { ga4: { type: "ga4", measurement_id: "G-TEST1234" } } });
    expect(mp.ok ? [] : mp.problems.map((p) => p.path)).toEqual(["destinations.ga4.api_secret"]);
    const collect = parseConfig({ ...base, destinations: { ga4: { type: "ga4", measurement_id: "G-TEST1234", transport: "collect" } } });
    expect(collect.ok).toBe(true);
  });
});
