/** Edge enrichment through the Worker: geo from request.cf, device from the user agent, locale, utm, bots. */
import { describe, expect, it } from "vitest";
import { bucket, configWithHook, doubleRequests, send } from "../helpers/worker.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";

async function canonical(body: Record<string, unknown>, headers: Record<string, string> = {}, cf?: Record<string, unknown>): Promise<CanonicalEvent | undefined> {
  const b = bucket();
  const res = await send(body, { config: configWithHook(b), headers, ...(cf ? { cf } : {}) });
  expect(res.status).toBe(202);
  const sent = await doubleRequests(b);
  return sent[0] ? (JSON.parse(sent[0].body).events[0] as CanonicalEvent) : undefined;
}
let n = 0;
const lead = (extra: Record<string, unknown> = {}) => ({ name: "lead_submitted", event_id: `enrich_evt_${Date.now()}_${++n}`, properties: { lead_id: `l_${n}` }, ...extra });

describe("enrichment", () => {
  it("takes every geo field from request.cf, the IP from CF-Connecting-IP and the locale from Accept-Language", async () => {
    const e = await canonical(lead(), { "accept-language": "de-CH,de;q=0.9,en;q=0.8", "cf-connecting-ip": "2001:db8::7" }, {
      country: "CH", region: "Zurich", regionCode: "ZH", city: "Zürich", postalCode: "8001", latitude: "47.37", longitude: "8.54",
      timezone: "Europe/Zurich", continent: "EU", asn: 3303, colo: "ZRH",
    });
    // Switzerland denies by default; consent given by the event lets it through.
    expect(e).toBeUndefined();
    const granted = await canonical(lead({ consent: { analytics_storage: "granted" } }), { "accept-language": "de-CH,de;q=0.9", "cf-connecting-ip": "2001:db8::7" }, {
      country: "CH", region: "Zurich", regionCode: "ZH", city: "Zürich", postalCode: "8001", latitude: "47.37", longitude: "8.54",
      timezone: "Europe/Zurich", continent: "EU", asn: 3303, colo: "ZRH",
    });
    expect(granted!.context).toMatchObject({
      ip: "2001:db8::7",
      locale: "de-CH",
      geo: { country: "CH", region: "Zurich", region_code: "ZH", city: "Zürich", postal_code: "8001", latitude: 47.37, longitude: 8.54, timezone: "Europe/Zurich", continent: "EU", asn: 3303, colo: "ZRH" },
    });
  });

  it.each([
    ["desktop Chrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", { type: "desktop", os: "Windows", browser: "Chrome" }],
    ["iPhone Safari", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", { type: "mobile", os: "iOS", browser: "Mobile Safari" }],
    ["Android tablet", "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", { type: "tablet", os: "Android", browser: "Chrome" }],
  ])("parses %s into device type, OS and browser", async (_label, ua, device) => {
    const e = await canonical(lead(), { "user-agent": ua });
    expect(e!.context.device).toEqual(device);
    expect(e!.context.bot).toBe(false);
  });

  it.each([
    ["Googlebot", { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" }, undefined],
    ["no user agent", { "user-agent": "" }, undefined],
    ["a low bot-management score", {}, { country: "US", botManagement: { score: 5, verifiedBot: false } }],
  ])("marks %s as a bot, accepts it and forwards it nowhere", async (_label, headers, cf) => {
    const b = bucket();
    const res = await send(lead(), { config: configWithHook(b), headers, ...(cf ? { cf } : {}) });
    expect(res.status).toBe(202);
    expect(await doubleRequests(b)).toEqual([]);
  });

  it("reads utm fields and click ids from the page URL", async () => {
    const url = "https://shop.example.com/lp?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=shoes&utm_content=ad1&gclid=Cj0_abc&fbclid=IwAR_xyz&ttclid=E.C.P.tt&li_fat_id=li-1&msclkid=ms1&ScCid=sc1&rdt_cid=rd1&epik=ep1";
    const e = await canonical(lead({ page: { url, title: "Landing" } }));
    expect(e!.campaign).toEqual({ source: "google", medium: "cpc", name: "spring", term: "shoes", content: "ad1" });
    expect(e!.click_ids).toMatchObject({ gclid: "Cj0_abc", fbclid: "IwAR_xyz", ttclid: "E.C.P.tt", li_fat_id: "li-1", msclkid: "ms1", ScCid: "sc1", rdt_cid: "rd1", epik: "ep1" });
    expect(e!.page).toEqual({ url, path: "/lp", title: "Landing", referrer: null });
  });

  it("keeps a valid client event_id and replaces an invalid one with a UUIDv7 of now", async () => {
    expect((await canonical(lead({ event_id: "order-12345678" })))!.event_id).toBe("order-12345678");
    const e = await canonical({ name: "lead_submitted", event_id: "no", properties: { lead_id: "x_no" } });
    expect(e!.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(e!.event_id.replace(/-/g, "").slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });

  it("keeps a client time within the tolerance as it is, unmarked", async () => {
    const t = new Date(Date.now() - 3_600_000).toISOString();
    const e = await canonical(lead({ time: t }));
    expect(e!.time).toBe(t);
    expect(e!.time_status).toBeUndefined();
  });
});
