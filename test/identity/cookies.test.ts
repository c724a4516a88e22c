/** Identity cookies and consent: attributes, gating, withdrawal, click-id memory, Meta's _fbp/_fbc, GPC, regions. */
import { describe, expect, it } from "vitest";
import { resolveVisitor } from "../../src/identity/visitor.ts";
import { Config } from "../../src/config/schema.ts";
import { bucket, configWithHook, cookie, doubleRequests, send, setCookies } from "../helpers/worker.ts";

let n = 0;
const lead = (extra: Record<string, unknown> = {}) => ({ name: "lead_submitted", event_id: `cookie_evt_${Date.now()}_${++n}`, properties: { lead_id: `l_${n}` }, ...extra });
const DENY_ALL = { analytics_storage: "denied", ad_storage: "denied" };

describe("identity cookies", () => {
  it("sets the id and session cookies HttpOnly, Secure, SameSite=Lax, with the configured Domain and lifetimes", async () => {
    const res = await send(lead());
    const id = cookie(res, "tw_id")!;
    const sid = cookie(res, "tw_sid")!;
    expect(id).toMatch(/^tw_id=[0-9a-f-]{36}; Path=\/; Max-Age=34560000; Secure; SameSite=Lax; Domain=shop\.example\.com; HttpOnly$/);
    expect(sid).toMatch(/^tw_sid=\d{10}; Path=\/; Max-Age=1800; Secure; SameSite=Lax; Domain=shop\.example\.com; HttpOnly$/);
  });

  it("keeps and refreshes an existing visitor id and session", async () => {
    const res = await send(lead(), { headers: { cookie: "tw_id=01970a5e-2f00-7000-8000-00000000abcd; tw_sid=1780315000" } });
    expect(cookie(res, "tw_id")).toContain("tw_id=01970a5e-2f00-7000-8000-00000000abcd;");
    expect(cookie(res, "tw_sid")).toContain("tw_sid=1780315000;");
  });

  it("writes no identifier cookie without analytics consent, and expires the ones it had set", async () => {
    const fresh = await send(lead({ consent: DENY_ALL }));
    expect(setCookies(fresh)).toEqual([]);
    const withdrawn = await send(lead({ consent: DENY_ALL }), { headers: { cookie: "tw_id=01970a5e-2f00-7000-8000-00000000abcd; tw_sid=1780315000; tw_clk=gclid:1:abc" } });
    expect(setCookies(withdrawn).sort()).toEqual([
      expect.stringMatching(/^tw_clk=; Path=\/; Max-Age=0;/),
      expect.stringMatching(/^tw_id=; Path=\/; Max-Age=0;/),
      expect.stringMatching(/^tw_sid=; Path=\/; Max-Age=0;/),
    ]);
  });

  it("remembers click ids and attaches them to a later conversion without them; gclid/gbraid/wbraid: the latest wins", async () => {
    const landing = await send(lead({ page: { url: "https://shop.example.com/?gclid=G1&fbclid=F1" } }));
    const clk = cookie(landing, "tw_clk")!;
    expect(clk).toMatch(/^tw_clk=gclid:\d+:G1\|fbclid:\d+:F1; Path=\/; Max-Age=7776000; Secure; SameSite=Lax; Domain=shop\.example\.com; HttpOnly$/);
    const jar = clk.split(";")[0]!;
    const second = await send(lead({ page: { url: "https://shop.example.com/?wbraid=W2" } }), { headers: { cookie: jar } });
    const jar2 = cookie(second, "tw_clk")!.split(";")[0]!;
    expect(jar2).toContain("wbraid:");
    expect(jar2).not.toContain("gclid:");
    expect(jar2).toContain("fbclid:");

    const b = bucket();
    await send(lead({ page: { url: "https://shop.example.com/thanks" } }), { config: configWithHook(b), headers: { cookie: jar2 } });
    const e = JSON.parse((await doubleRequests(b))[0]!.body).events[0];
    expect(e.click_ids).toMatchObject({ wbraid: "W2", fbclid: "F1" });
    expect(e.click_ids.gclid).toBeUndefined();
  });

  it("stores no click ids without ads consent, yet the event still describes its own landing URL", async () => {
    const res = await send(lead({ page: { url: "https://shop.example.com/?gclid=G1" }, consent: { analytics_storage: "granted", ad_storage: "denied" } }));
    expect(cookie(res, "tw_clk")).toBeUndefined();
    expect(cookie(res, "tw_id")).toBeDefined();
  });

  it("creates Meta's _fbp and _fbc in Meta's format when a Meta destination is on and ads are allowed", () => {
    const cfg = Config.parse({ prefix: "/k7q" });
    const granted = { analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false };
    const v = resolveVisitor(cfg.cookies, { cookieHeader: null, now: 1780315200000, seenClicks: [{ fbclid: "IwAR_abc" }], consent: granted, metaEnabled: true });
    expect(v.fbp).toMatch(/^fb\.1\.1780315200000\.\d{10}$/);
    expect(v.fbc).toBe("fb.1.1780315200000.IwAR_abc");
    const fbp = v.setCookies.find((c) => c.startsWith("_fbp="))!;
    expect(fbp).not.toContain("HttpOnly");
    expect(v.setCookies.some((c) => c.startsWith("_fbc=fb.1.1780315200000.IwAR_abc;"))).toBe(true);
    const denied = resolveVisitor(cfg.cookies, { cookieHeader: null, now: 1780315200000, seenClicks: [{ fbclid: "IwAR_abc" }], consent: { ...granted, ads: false }, metaEnabled: true });
    expect(denied.setCookies.some((c) => c.startsWith("_fbp=") || c.startsWith("_fbc="))).toBe(false);
    const existing = resolveVisitor(cfg.cookies, { cookieHeader: "_fbp=fb.1.1700000000000.1234567890", now: 1780315200000, seenClicks: [], consent: granted, metaEnabled: true });
    expect(existing.fbp).toBe("fb.1.1700000000000.1234567890");
  });
});

describe("consent", () => {
  const b = () => bucket();
  async function consentOf(body: Record<string, unknown>, headers: Record<string, string> = {}, cf?: Record<string, unknown>, withAds = false) {
    const k = b();
    const config = configWithHook(k, (c) => {
      if (withAds) c.destinations.hook.purpose = "ads";
    });
    await send(body, { config, headers, ...(cf ? { cf } : {}) });
    const sent = await doubleRequests(k);
    return sent[0] ? JSON.parse(sent[0].body).events[0].consent : undefined;
  }

  it("lets Sec-GPC: 1 deny ads even when the SDK grants them", async () => {
    const c = await consentOf(lead({ consent: { analytics_storage: "granted", ad_storage: "granted" } }), { "sec-gpc": "1" });
    expect(c).toEqual({ analytics: true, ads: false, ad_user_data: false, ad_personalization: false, gpc: true });
    expect(await consentOf(lead({ consent: { ad_storage: "granted" } }), { "sec-gpc": "1" }, undefined, true)).toBeUndefined();
  });

  it("denies everything by default in the EEA and grants by default in the US", async () => {
    expect(await consentOf(lead(), {}, { country: "DE" })).toBeUndefined();
    expect(await consentOf(lead({ consent: { analytics_storage: "granted" } }), {}, { country: "DE" })).toEqual({ analytics: true, ads: false, ad_user_data: false, ad_personalization: false, gpc: false });
    expect(await consentOf(lead(), {}, { country: "US" })).toEqual({ analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false });
  });

  it("follows the SDK's Consent Mode v2 fields one by one", async () => {
    const c = await consentOf(lead({ consent: { analytics_storage: "granted", ad_storage: "granted", ad_user_data: "denied", ad_personalization: false } }));
    expect(c).toEqual({ analytics: true, ads: true, ad_user_data: false, ad_personalization: false, gpc: false });
  });

  it("keeps an ads destination out when ads are denied while the analytics one gets the event", async () => {
    expect(await consentOf(lead({ consent: { ad_storage: "denied" } }), {}, undefined, true)).toBeUndefined();
    expect(await consentOf(lead({ consent: { ad_storage: "denied" } }))).toMatchObject({ analytics: true, ads: false });
  });

  it("uses configured regional defaults", async () => {
    const k = b();
    const config = configWithHook(k, (c) => (c.consent = { deny_regions: ["BR"] }));
    await send(lead(), { config, cf: { country: "DE" } });
    expect(await doubleRequests(k)).toHaveLength(1);
  });
});
