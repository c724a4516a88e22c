/**
 * gtag-style calls in a real browser (Debian's chromium via playwright-core) reach Tagwire: the page loads its
 * tag through the first-party loader (P/l.js, fetched from a stub of Google's tag host and rewritten), the tag
 * sends GA4 /g/collect hits to transport_url + the rewritten path, and the Worker under `wrangler dev` turns
 * them into canonical events and GA4 hits. The stub tag speaks the same protocol gtag.js does (shared
 * parameters in the query string, one hit per body line, sendBeacon) and contains gtag.js's "/g/collect".
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHROMIUM, chromiumAvailable, debugEvents, launchBrowser, P, servePage, startWorker, type WorkerUnderTest } from "./harness.ts";

const ci = process.env.CI === "true";
const present = chromiumAvailable();
if (!present && !ci) console.warn(`gtag browser tests skipped: no chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const TID = "G-DEMO123456";

/** A miniature gtag.js: dataLayer commands in, GA4 /g/collect hits out, exactly in gtag's wire format. */
const STUB_TAG = `(function () {
  var COLLECT = "/g/collect";
  var w = window, dl = (w.dataLayer = w.dataLayer || []);
  var cfg = null, consent = {}, queue = [], timer = 0, hits = 0;
  var now = Math.floor(Date.now() / 1000), cid = "555123." + now, sid = String(now), pageLoad = String(Date.now());
  function bit(k) { return consent[k] === "granted" ? "1" : consent[k] === "denied" ? "0" : "-"; }
  function letter(k) { return consent[k] === "granted" ? "t" : consent[k] === "denied" ? "p" : "l"; }
  function flush() {
    timer = 0;
    if (!cfg || !queue.length) return;
    var q = new URLSearchParams({ v: "2", tid: cfg.id, gtm: "45stub", _p: pageLoad, cid: cid, sid: sid, sct: "1", seg: "1",
      ul: navigator.language.toLowerCase(), dl: location.href, dt: document.title,
      gcs: "G1" + bit("ad_storage") + bit("analytics_storage"),
      gcd: "13" + letter("ad_storage") + "3" + letter("analytics_storage") + "3" + letter("ad_user_data") + "3" + letter("ad_personalization") + "5" });
    if (cfg.user_id) q.set("uid", cfg.user_id);
    var body = queue.map(function (p) { p.set("_s", String(++hits)); return p.toString(); }).join("\\n");
    queue = [];
    navigator.sendBeacon(cfg.transport_url + COLLECT + "?" + q.toString(), body);
  }
  function event(name, params) {
    var p = new URLSearchParams({ en: name });
    params = params || {};
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (k === "items") v.forEach(function (it, i) {
        var f = ["id" + it.item_id];
        if (it.item_name) f.push("nm" + it.item_name);
        if (it.price != null) f.push("pr" + it.price);
        if (it.quantity != null) f.push("qt" + it.quantity);
        p.set("pr" + (i + 1), f.join("~"));
      });
      else if (k === "currency") p.set("cu", v);
      else if (typeof v === "number") p.set("epn." + k, String(v));
      else p.set("ep." + k, String(v));
    });
    queue.push(p);
    if (!timer) timer = setTimeout(flush, 20);
  }
  function run(a) {
    if (a[0] === "consent") Object.assign(consent, a[2]);
    else if (a[0] === "config") {
      cfg = { id: a[1], transport_url: (a[2] && a[2].transport_url) || "https://www.google-analytics.com", user_id: a[2] && a[2].user_id };
      event("page_view", {});
    } else if (a[0] === "event") event(a[1], a[2]);
  }
  for (var i = 0; i < dl.length; i++) run(dl[i]);
  dl.push = function (a) { run(a); return Array.prototype.push.call(dl, a); };
})();`;

const gtagPage = (consent: string) => `<!doctype html><html><head><title>E2E gtag shop</title>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() { dataLayer.push(arguments); }
  gtag("consent", "default", ${consent});
  gtag("js", new Date());
  gtag("config", "${TID}", { transport_url: location.origin + "${P}" });
</script>
<script async src="${P}/l.js?id=${TID}"></script>
</head><body>shop</body></html>`;

const GRANTED = `{ ad_storage: "granted", analytics_storage: "granted", ad_user_data: "granted", ad_personalization: "granted" }`;

/** The demo config (dev/tagwire.config.toml) with [gtag] on, its loader pointed at the stub, GA4 forwarding hits. */
function devConfigWithGtag(upstream: string): string {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const cfg = parse(readFileSync(`${root}/dev/tagwire.config.toml`, "utf8")) as any;
  cfg.gtag = { loader: { ids: [TID], upstream } };
  cfg.destinations.ga4.transport = "collect";
  return JSON.stringify(cfg);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!present && !ci)("gtag.js calls in a real browser", () => {
  let worker: WorkerUnderTest | undefined;
  let upstream: Server | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page;
  let base: string;
  const tagFetches: string[] = [];

  beforeAll(async () => {
    if (!present) throw new Error(`CI=true and chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium)`);
    upstream = createServer((req, res) => {
      tagFetches.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/javascript" });
      res.end(STUB_TAG);
    });
    await new Promise<void>((r) => upstream!.listen(0, "127.0.0.1", () => r()));
    const port = (upstream.address() as { port: number }).port;
    worker = await startWorker(["--var", `TAGWIRE_CONFIG:${devConfigWithGtag(`http://127.0.0.1:${port}`)}`]);
    base = worker.base;
  });
  afterAll(async () => {
    await worker?.stop();
    await new Promise((r) => upstream?.close(r));
  });
  beforeEach(async () => {
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterEach(async () => {
    await browser?.close();
  });

  it("loads the rewritten tag first-party, and its page view and purchase become canonical events and GA4 hits", async () => {
    const beacons: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().startsWith(`${base}${P}/`)) beacons.push(new URL(r.url()).pathname);
    });
    await servePage(page, base, "/shop/gtag", gtagPage(GRANTED));
    await page.goto(`${base}/shop/gtag?gclid=Cj0KCQ-gtag-e2e`);
    await page.waitForFunction(() => typeof (window as any).dataLayer.push === "function" && (window as any).dataLayer.push !== Array.prototype.push);
    await page.evaluate(() =>
      (window as any).gtag("event", "purchase", {
        transaction_id: "T_E2E_1",
        value: 42.5,
        currency: "EUR",
        items: [{ item_id: "SKU_9", item_name: "Hat", price: 42.5, quantity: 1 }],
      }),
    );

    const purchase = await waitFor("the purchase event", async () =>
      (await debugEvents(base)).find((e) => e.name === "purchase_completed" && e.properties.order_id === "T_E2E_1"),
    );
    expect(purchase).toMatchObject({
      source: "browser",
      value: 42.5,
      currency: "EUR",
      properties: { items: [{ id: "SKU_9", name: "Hat", price: 42.5, quantity: 1 }] },
      page: { url: `${base}/shop/gtag?gclid=Cj0KCQ-gtag-e2e`, title: "E2E gtag shop" },
      click_ids: { gclid: "Cj0KCQ-gtag-e2e" },
      consent: { analytics: true, ads: true },
    });
    expect(purchase.anonymous_id).toBeTruthy();
    const pageView = (await debugEvents(base)).find((e) => e.name === "page_viewed" && e.anonymous_id === purchase.anonymous_id);
    expect(pageView).toBeDefined();

    // The tag was fetched once from "Google" and sent its hits to the lint-clean path, never /g/collect.
    expect(tagFetches).toEqual([`/gtag/js?id=${TID}`]);
    expect(beacons.length).toBeGreaterThan(0);
    expect(new Set(beacons)).toEqual(new Set([`${P}/g2`]));
    // Tagwire's own visitor cookie was set on the site.
    expect((await browser!.context.cookies(base)).find((c) => c.name === "tw_id")?.value).toBe(purchase.anonymous_id);

    // GA4 (dry_run here) got the purchase as a /g/collect hit, not a Measurement Protocol event.
    const ga4 = await waitFor("the GA4 hit", async () => {
      const list = ((await (await fetch(`${base}${P}/debug/requests?limit=500`)).json()) as { requests: { destination: string; event_ids: string[]; request: { url: string } }[] }).requests;
      return list.find((r) => r.destination === "ga4" && r.event_ids.includes(purchase.event_id));
    });
    const hit = new URL(ga4.request.url);
    expect(hit.pathname).toBe("/g/collect");
    expect(hit.searchParams.get("tid")).toBe(TID);
    expect(hit.searchParams.get("en")).toBe("purchase");
    expect(hit.searchParams.get("ep.transaction_id")).toBe("T_E2E_1");
    expect(hit.searchParams.get("pr1")).toBe("idSKU_9~nmHat~pr42.5~qt1");
  });

  it("keeps the hits of a visitor who denied analytics out of GA4 and sets no visitor cookie", async () => {
    await servePage(page, base, "/shop/gtag-denied", gtagPage(`{ ad_storage: "denied", analytics_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" }`));
    await page.goto(`${base}/shop/gtag-denied`);
    await page.waitForFunction(() => (window as any).dataLayer.push !== Array.prototype.push);
    await page.evaluate(() => (window as any).gtag("event", "purchase", { transaction_id: "T_E2E_DENIED", value: 10, currency: "EUR" }));
    const purchase = await waitFor("the denied purchase", async () =>
      (await debugEvents(base)).find((e) => e.name === "purchase_completed" && e.properties.order_id === "T_E2E_DENIED"),
    );
    expect(purchase.consent).toMatchObject({ analytics: false, ads: false });
    expect(purchase.anonymous_id).toBeNull();
    expect((await browser!.context.cookies(base)).find((c) => c.name === "tw_id")).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1000));
    const list = ((await (await fetch(`${base}${P}/debug/requests?limit=500`)).json()) as { requests: { destination: string; event_ids: string[] }[] }).requests;
    expect(list.filter((r) => r.destination === "ga4" && r.event_ids.includes(purchase.event_id))).toEqual([]);
  });
});
