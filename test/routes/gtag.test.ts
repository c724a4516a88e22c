import { describe, expect, it } from "vitest";
import {
  BASE,
  bucket,
  call,
  CHROME_UA,
  configWithHook,
  cookie,
  doubleRequests,
  ORIGIN,
  P,
  scriptDouble,
  testEnv,
  US_CF,
} from "../helpers/worker.ts";
import { checkoutShared, CID, ENGAGEMENT_LINE, pageViewQuery, PURCHASE_LINE, SID, TID } from "../gtag/fixtures.ts";

interface Setup {
  hook: string;
  ga4: string;
  config: Record<string, any>;
}

/** The test config with [gtag] on, the webhook and a GA4 transport = "collect" destination on fresh buckets. */
function setup(patch?: (c: Record<string, any>) => void): Setup {
  const hook = bucket();
  const ga4 = bucket();
  const config = configWithHook(hook, (c) => {
    c.gtag = {};
    c.destinations.ga4 = { type: "ga4", measurement_id: TID, transport: "collect", endpoint: `${testEnv.DOUBLE_BASE}/${ga4}` };
    patch?.(c);
  });
  return { hook, ga4, config };
}

function hitRequest(path: string, o: { method?: "GET" | "POST"; query?: string; body?: string; cf?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
  return new Request(`${BASE}${P}${path}${o.query ? `?${o.query}` : ""}`, {
    method: o.method ?? "GET",
    ...(o.body !== undefined ? { body: o.body } : {}),
    headers: {
      "content-type": "text/plain;charset=UTF-8",
      origin: ORIGIN,
      "user-agent": CHROME_UA,
      "cf-connecting-ip": "203.0.113.10",
      "accept-language": "en-US,en;q=0.9",
      ...o.headers,
    },
    cf: (o.cf ?? US_CF) as IncomingRequestCfProperties,
  });
}

async function hookEvents(b: string): Promise<Record<string, any>[]> {
  return (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events as Record<string, any>[]);
}

describe("gtag hits at P/g2", () => {
  it("accepts a GET page_view: a canonical page_viewed for the webhook, the hit as sent for GA4, Tagwire's cookies", async () => {
    const s = setup();
    const res = await call(hitRequest("/g2", { query: pageViewQuery({ cid: CID }) }), { config: s.config });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [] });
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(cookie(res, "tw_id")).toBeDefined();

    const [e] = await hookEvents(s.hook);
    expect(e).toMatchObject({
      name: "page_viewed",
      source: "browser",
      properties: { page_type: "category" },
      page: { url: "https://shop.example.com/shoes?gclid=Cj0KCQ_gtag_test", title: "Running shoes", referrer: "https://www.google.com/" },
      click_ids: { gclid: "Cj0KCQ_gtag_test" },
      consent: { analytics: true, ads: true, ad_user_data: true, ad_personalization: true },
    });

    const sent = await doubleRequests(s.ga4);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe("POST");
    expect(sent[0]!.path).toBe(`/${s.ga4}/g/collect`);
    const q = new URLSearchParams(sent[0]!.query);
    // The session fields the Measurement Protocol cannot carry arrive as gtag sent them.
    for (const [k, v] of [["v", "2"], ["tid", TID], ["cid", CID], ["sid", SID], ["sct", "3"], ["seg", "1"], ["_p", "1717243200000"], ["_s", "1"], ["_ss", "1"], ["_fv", "1"], ["en", "page_view"], ["gcs", "G111"], ["gcd", "13t3t3t3t5"], ["ep.page_type", "category"]]) {
      expect(q.get(k!), k).toBe(v);
    }
    expect(q.get("_uip")).toBe("203.0.113.10");
    expect(sent[0]!.headers["user-agent"]).toBe(CHROME_UA);
  });

  it("accepts a POST with several hits, one per line, each its own event and its own GA4 hit", async () => {
    const s = setup();
    const res = await call(hitRequest("/g2", { method: "POST", query: checkoutShared().toString(), body: `${PURCHASE_LINE}\n${ENGAGEMENT_LINE}` }), { config: s.config });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: [] });

    const events = await hookEvents(s.hook);
    const purchase = events.find((e) => e.name === "purchase_completed")!;
    expect(purchase).toMatchObject({
      user_id: "user_42",
      value: 59.98,
      currency: "USD",
      properties: {
        order_id: "T_1001",
        coupon: "SUMMER",
        items: [
          { id: "SKU_1", name: "Running Shoe", brand: "Acme", category: "Shoes", variant: "Red", price: 29.99, quantity: 2, size: "44" },
          { id: "SKU_2", name: "Socks", price: 0, quantity: 1 },
        ],
      },
      page: { url: "https://shop.example.com/checkout/complete", title: "Thank you" },
    });
    // user_engagement is not in the plan: flagged (the default policy), and still forwarded.
    expect(events.find((e) => e.name === "user_engagement")!.violations).toEqual([expect.objectContaining({ rule: "unknown_event" })]);

    const sent = await doubleRequests(s.ga4);
    expect(sent).toHaveLength(2);
    const qs = sent.map((r) => new URLSearchParams(r.query));
    const p = qs.find((q) => q.get("en") === "purchase")!;
    expect([p.get("ep.transaction_id"), p.get("epn.value"), p.get("cu"), p.get("uid"), p.get("pr1"), p.get("_et")]).toEqual([
      "T_1001",
      "59.98",
      "USD",
      "user_42",
      "idSKU_1~nmRunning Shoe~brAcme~caShoes~vaRed~pr29.99~qt2~k0size~v044",
      "1200",
    ]);
    expect(qs.find((q) => q.get("en") === "user_engagement")!.get("_et")).toBe("5400");
  });

  it("gives a new visitor's racing first hits (no cookie yet) one visitor id and GA4's session id", async () => {
    const s = setup();
    const cid = "24680246.1717243100";
    const a = await call(hitRequest("/g2", { query: pageViewQuery({ cid }) }), { config: s.config });
    const b = await call(hitRequest("/g2", { query: pageViewQuery({ cid, en: "scroll", "epn.percent_scrolled": "90" }) }), { config: s.config });
    expect(cookie(a, "tw_id")).toBe(cookie(b, "tw_id"));
    const events = await hookEvents(s.hook);
    expect(events.map((e) => e.name).sort()).toEqual(["page_scrolled", "page_viewed"]);
    expect(new Set(events.map((e) => e.anonymous_id)).size).toBe(1);
    expect(events.every((e) => e.session_id === SID)).toBe(true);
    // Another GA client is another visitor.
    const c = await call(hitRequest("/g2", { query: pageViewQuery({ cid: "987654321.1717243999" }) }), { config: s.config });
    expect(cookie(c, "tw_id")).not.toBe(cookie(a, "tw_id"));
  });

  it("respects denied consent: no visitor cookie, nothing to GA4 or the webhook, the canonical consent says denied", async () => {
    const s = setup((c) => (c.destinations.hook.purpose = "none"));
    const res = await call(hitRequest("/g2", { query: pageViewQuery({ gcs: "G100", gcd: "13p3p3p3p5" }) }), { config: s.config });
    expect(res.status).toBe(202);
    expect(cookie(res, "tw_id")).toBeUndefined();
    expect(await doubleRequests(s.ga4)).toEqual([]);
    const [e] = await hookEvents(s.hook);
    expect(e!.consent).toMatchObject({ analytics: false, ads: false, ad_user_data: false, ad_personalization: false });
    expect(e!.anonymous_id).toBeNull();
  });

  it("applies Tagwire's regional default when the page runs without Consent Mode, and the hit's consent when it has it", async () => {
    const s = setup();
    const de = { ...US_CF, country: "DE", continent: "EU" };
    const noSignal = pageViewQuery();
    const stripped = new URLSearchParams(noSignal);
    stripped.delete("gcs");
    stripped.delete("gcd");
    await call(hitRequest("/g2", { query: stripped.toString(), cf: de }), { config: s.config });
    expect(await doubleRequests(s.ga4)).toEqual([]);
    await call(hitRequest("/g2", { query: noSignal, cf: de }), { config: s.config });
    expect(await doubleRequests(s.ga4)).toHaveLength(1);
  });

  it("forwards a hit the plan rejects to GA4 only, and says so", async () => {
    const s = setup((c) => (c.plan.unknown_events = "reject"));
    const q = checkoutShared({ en: "newsletter_signup", "ep.list": "weekly" }).toString();
    const res = await call(hitRequest("/g2", { query: q }), { config: s.config });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, any>;
    expect(body.ga4_only).toEqual([{ index: 0, reason: expect.stringContaining('unknown event "newsletter_signup"') }]);
    expect(await hookEvents(s.hook)).toEqual([]);
    const sent = await doubleRequests(s.ga4);
    expect(sent.map((r) => new URLSearchParams(r.query).get("en"))).toEqual(["newsletter_signup"]);
  });

  it("rejects an unknown event under the reject policy when no GA4 stream takes hits, naming the field", async () => {
    const s = setup((c) => {
      c.plan.unknown_events = "reject";
      delete c.destinations.ga4;
    });
    const res = await call(hitRequest("/g2", { query: checkoutShared({ en: "newsletter_signup" }).toString() }), { config: s.config });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_hit", details: [{ path: "name", message: expect.stringContaining("newsletter_signup") }] });
  });

  it("drops an unknown event under the drop policy for every destination but GA4's hit", async () => {
    const s = setup((c) => {
      c.plan.unknown_events = "drop";
      c.gtag.events = { newsletter_signup: "newsletter_subscribed" };
    });
    const res = await call(hitRequest("/g2", { query: checkoutShared({ en: "newsletter_signup" }).toString() }), { config: s.config });
    expect(res.status).toBe(202);
    expect(await hookEvents(s.hook)).toEqual([]);
    expect(await doubleRequests(s.ga4)).toHaveLength(1);
  });

  it("answers 400 naming the parameter for a hit that is not GA4's protocol, and keeps the good hits of a POST", async () => {
    const s = setup();
    const bad = await call(hitRequest("/g2", { query: "v=1&tid=G-TEST1234&en=page_view" }), { config: s.config });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_hit", details: [{ path: "v" }] });

    const mixed = await call(hitRequest("/g2", { method: "POST", query: checkoutShared().toString(), body: `${ENGAGEMENT_LINE}\nen=purchase&epn.value=lots` }), { config: s.config });
    expect(mixed.status).toBe(202);
    expect(await mixed.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, errors: [{ path: "batch[1].epn.value", message: "expected a number" }] }] });
  });

  it("ignores hits for a stream Tagwire does not forward (no open relay to any GA4 property)", async () => {
    const s = setup();
    const res = await call(hitRequest("/g2", { query: pageViewQuery({ tid: "G-SOMEONEELSE" }) }), { config: s.config });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 0, ignored: [{ index: 0 }] });
    expect(await doubleRequests(s.ga4)).toEqual([]);
    expect(await hookEvents(s.hook)).toEqual([]);
  });

  it("also takes P/g/collect, what an unmodified gtag.js sends, unless google_path is off", async () => {
    const s = setup();
    expect((await call(hitRequest("/g/collect", { query: pageViewQuery() }), { config: s.config })).status).toBe(202);
    const off = structuredClone(s.config);
    off.gtag.google_path = false;
    expect((await call(hitRequest("/g/collect", { query: pageViewQuery() }), { config: off })).status).toBe(404);
  });

  it("does not exist without a [gtag] block", async () => {
    const s = setup((c) => delete c.gtag);
    expect((await call(hitRequest("/g2", { query: pageViewQuery() }), { config: s.config })).status).toBe(404);
  });

  it("refuses an origin outside allowed_origins", async () => {
    const s = setup();
    const res = await call(hitRequest("/g2", { query: pageViewQuery(), headers: { origin: "https://evil.example" } }), { config: s.config });
    expect(res.status).toBe(403);
  });
});

describe("GA4 forwarding of a hit", () => {
  it("redacts email addresses in page fields and parameters, and drops a browser-supplied IP override", async () => {
    const s = setup();
    const q = pageViewQuery({ dl: "https://shop.example.com/thanks?email=jane.doe@example.com", "ep.note": "mail jane.doe@example.com", _uip: "1.2.3.4" });
    await call(hitRequest("/g2", { query: q }), { config: s.config });
    const sent = new URLSearchParams((await doubleRequests(s.ga4))[0]!.query);
    expect(sent.get("dl")).toBe("https://shop.example.com/thanks?email=(redacted)");
    expect(sent.get("ep.note")).toBe("mail (redacted)");
    expect(sent.get("_uip")).toBe("203.0.113.10");
  });

  it("follows the destination's IP policy and marks test mode for DebugView", async () => {
    const s = setup((c) => {
      c.destinations.ga4.ip = "truncate";
      c.destinations.ga4.mode = "test";
    });
    await call(hitRequest("/g2", { query: pageViewQuery() }), { config: s.config });
    const sent = new URLSearchParams((await doubleRequests(s.ga4))[0]!.query);
    expect(sent.get("_uip")).toBe("203.0.113.0");
    expect(sent.get("_dbg")).toBe("1");
  });

  it("sends a gtag event through the Measurement Protocol with the hit's client and session ids when transport is mp", async () => {
    const s = setup((c) => {
      c.destinations.ga4.transport = "mp";
      c.destinations.ga4.api_secret = "TEST_WEBHOOK_SECRET";
    });
    // Its own order id: the purchase above already claimed T_1001 in the dedupe store.
    const line = PURCHASE_LINE.replace("T_1001", "T_2002");
    await call(hitRequest("/g2", { method: "POST", query: checkoutShared({ cid: CID }).toString(), body: line }), { config: s.config });
    const sent = await doubleRequests(s.ga4);
    expect(sent[0]!.path).toBe(`/${s.ga4}/mp/collect`);
    const body = JSON.parse(sent[0]!.body);
    expect(body.client_id).toBe(CID);
    expect(body.events[0]).toMatchObject({ name: "purchase", params: { transaction_id: "T_2002", session_id: SID, value: 59.98 } });
  });
});

describe("the first-party loader at P/l.js", () => {
  function loaderSetup(upstream: string) {
    return setup((c) => (c.gtag.loader = { ids: ["G-TEST1234", "GTM-ABC1234"], upstream: `${testEnv.DOUBLE_BASE}/${upstream}` }));
  }

  it("serves gtag.js from Google's host with its collect path rewritten, and keeps it in the edge cache", async () => {
    const up = bucket();
    await scriptDouble(up, [{ status: 200, body: 'var u=t+"/g/collect";var w="https:\\/\\/www.google-analytics.com\\/g\\/collect";', headers: { "content-type": "application/javascript" } }]);
    const s = loaderSetup(up);
    const url = `${BASE}${P}/l.js?id=G-TEST1234&v=${up}`;
    const res = await call(new Request(url), { config: s.config });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(await res.text()).toBe('var u=t+"/g2";var w="https:\\/\\/www.google-analytics.com\\/g2";');
    const again = await call(new Request(url), { config: s.config });
    expect(await again.text()).toContain('"/g2"');
    const fetched = await doubleRequests(up);
    expect(fetched).toHaveLength(1);
    expect(`${fetched[0]!.path}${fetched[0]!.query}`).toBe(`/${up}/gtag/js?id=G-TEST1234`);
  });

  it("fetches gtm.js for a container id", async () => {
    const up = bucket();
    await scriptDouble(up, [{ status: 200, body: "/* gtm */" }]);
    const s = loaderSetup(up);
    const res = await call(new Request(`${BASE}${P}/l.js?id=GTM-ABC1234`), { config: s.config });
    expect(res.status).toBe(200);
    expect((await doubleRequests(up))[0]!.path).toBe(`/${up}/gtm.js`);
  });

  it("answers at Google's own paths too, for a Google tag that asks its server container for the library", async () => {
    const up = bucket();
    await scriptDouble(up, [{ status: 200, body: 'x+"/g/collect"', times: 2 }]);
    const s = loaderSetup(up);
    const res = await call(new Request(`${BASE}${P}/gtag/js?id=G-TEST1234&k=${up}`), { config: s.config });
    expect(await res.text()).toBe('x+"/g2"');
    expect((await call(new Request(`${BASE}${P}/gtm.js?id=GTM-ABC1234&k=${up}`), { config: s.config })).status).toBe(200);
    const off = structuredClone(s.config);
    off.gtag.google_path = false;
    expect((await call(new Request(`${BASE}${P}/gtag/js?id=G-TEST1234`), { config: off })).status).toBe(404);
  });

  it("serves only the configured tag ids, and says so when Google's host fails", async () => {
    const up = bucket();
    await scriptDouble(up, [{ status: 503, body: "down", times: 5 }]);
    const s = loaderSetup(up);
    const other = await call(new Request(`${BASE}${P}/l.js?id=G-OTHER12345`), { config: s.config });
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ details: [{ path: "id" }] });
    const down = await call(new Request(`${BASE}${P}/l.js?id=GTM-ABC1234&fresh=${up}`), { config: s.config });
    expect(down.status).toBe(502);
  });
});
