/**
 * The SDK in a real browser (Debian's chromium via playwright-core) against the Worker under wrangler dev.
 * Never skipped: without chromium they fail, naming the command that installs it (apt-get install -y chromium).
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { snippetFor } from "../../src/sdk/snippet.ts";
import {
  CHROMIUM,
  chromiumAvailable,
  debugEvents,
  destinationsFor,
  launchBrowser,
  P,
  servePage,
  startWorker,
  waitForEvents,
  type WorkerUnderTest,
} from "./harness.ts";

/** The demo config's ads-purpose destinations (webhook ads_demo and the ad networks). */
const ADS = new Set(["ads_demo", "meta", "tiktok", "google_ads"]);
const adsAmong = (destinations: string[]) => destinations.filter((d) => ADS.has(d));
const present = chromiumAvailable();

type TagwireWindow = Window & {
  tagwire: {
    track(name: string, props?: object, o?: { event_id?: string }): string;
    page(): string;
    identify(id: string, traits?: object): string;
    consent(c: object | null): void;
    reset(): void;
    flush(): void;
  };
};

const scriptPage = (body = "", attrs = "") =>
  `<!doctype html><html><head><title>E2E shop</title><script src="${P}/s.js"${attrs}></script></head><body>${body}</body></html>`;

// Never skipped: a machine without a browser fails here, naming the one command that installs it.
describe("the SDK in a real browser", () => {
  let worker: WorkerUnderTest | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    if (!present) throw new Error(`no chromium at ${CHROMIUM}: install it with \`sudo apt-get install -y chromium\` (or point TAGWIRE_CHROMIUM at one)`);
    worker = await startWorker();
    base = worker.base;
  });
  afterAll(async () => {
    await worker?.stop();
  });
  beforeEach(async () => {
    browser = await launchBrowser();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterEach(async () => {
    await browser?.close();
  });

  const track = (name: string, props: object) =>
    page.evaluate(([n, p]) => (window as unknown as TagwireWindow).tagwire.track(n as string, p as object), [name, props] as const);

  it("sets the id and session cookies HttpOnly, Secure, SameSite=Lax with their lifetimes", async () => {
    await servePage(page, base, "/shop/cookies", scriptPage());
    await page.goto(`${base}/shop/cookies`);
    const id = await track("product_added", { product_id: "sku_1", price: 10 });
    const [event] = await waitForEvents(base, [id]);
    const cookies = await context.cookies(base);
    const now = Date.now() / 1000;
    const twId = cookies.find((c) => c.name === "tw_id");
    const twSid = cookies.find((c) => c.name === "tw_sid");
    expect(twId).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/", value: event!.anonymous_id });
    expect(twSid).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/", value: event!.session_id });
    expect(twId!.expires - now).toBeGreaterThan(399 * 86400);
    expect(twId!.expires - now).toBeLessThanOrEqual(400 * 86400 + 5);
    expect(twSid!.expires - now).toBeGreaterThan(29 * 60);
    expect(twSid!.expires - now).toBeLessThanOrEqual(30 * 60 + 5);
    // The SDK itself cannot read them.
    expect(await page.evaluate(() => document.cookie)).not.toContain("tw_id");
  });

  it("sends an automatic page view with the landing URL, then canonical track events with plan values and click ids", async () => {
    const landing = `${base}/shop/landing?utm_source=newsletter&utm_medium=email&gclid=Cj0KCQ-e2e`;
    await servePage(page, base, "/shop/landing", scriptPage());
    await page.goto(landing);
    const id = await track("purchase_completed", { order_id: "ord_e2e_1", value: 59.8, currency: "EUR" });
    const [purchase] = await waitForEvents(base, [id]);
    expect(purchase).toMatchObject({
      name: "purchase_completed",
      source: "browser",
      value: 59.8,
      currency: "EUR",
      page: { url: landing, path: "/shop/landing", title: "E2E shop" },
      campaign: { source: "newsletter", medium: "email" },
      click_ids: { gclid: "Cj0KCQ-e2e" },
    });
    // An id the server would not keep (too short) is replaced in the browser, so the returned id is the real one.
    const short = await page.evaluate(() =>
      (window as unknown as TagwireWindow).tagwire.track("lead_submitted", { lead_id: "l_1" }, { event_id: "1001" }),
    );
    expect(short).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await waitForEvents(base, [short]);
    // The automatic page view came first, on the same visitor.
    const page_viewed = (await debugEvents(base)).find((e) => e.name === "page_viewed" && e.page.url === landing);
    expect(page_viewed?.anonymous_id).toBe(purchase!.anonymous_id);
  });

  it("treats a pushState navigation as a page view whose referrer is the previous URL", async () => {
    await servePage(page, base, "/shop/spa", scriptPage());
    await page.goto(`${base}/shop/spa`);
    await page.evaluate(() => history.pushState({}, "", "/shop/spa/cart"));
    const deadline = Date.now() + 15_000;
    let found;
    while (!found && Date.now() < deadline) {
      found = (await debugEvents(base)).find((e) => e.name === "page_viewed" && e.page.path === "/shop/spa/cart");
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found?.page.referrer).toBe(`${base}/shop/spa`);
  });

  it("keeps an ads destination out when ad consent is denied, while the analytics one still gets the event", async () => {
    await servePage(page, base, "/shop/consent", scriptPage());
    await page.goto(`${base}/shop/consent`);
    const granted = await track("lead_submitted", { lead_id: "lead_e2e_granted" });
    expect(await destinationsFor(base, granted, "warehouse")).toEqual(expect.arrayContaining(["ads_demo", "meta", "tiktok", "warehouse", "ga4"]));
    await page.evaluate(() =>
      (window as unknown as TagwireWindow).tagwire.consent({ ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" }),
    );
    const denied = await track("lead_submitted", { lead_id: "lead_e2e_denied" });
    const [event] = await waitForEvents(base, [denied]);
    expect(event!.consent).toMatchObject({ analytics: true, ads: false, ad_user_data: false });
    expect(adsAmong(await destinationsFor(base, denied, "warehouse"))).toEqual([]);
    expect(await destinationsFor(base, denied, "warehouse")).toEqual(expect.arrayContaining(["ga4", "warehouse"]));
    // The choice is remembered across page loads.
    await page.reload();
    const later = await track("lead_submitted", { lead_id: "lead_e2e_later" });
    expect(adsAmong(await destinationsFor(base, later, "warehouse"))).toEqual([]);
  });

  it("delivers events tracked while the page unloads", async () => {
    await servePage(page, base, "/shop/leave", scriptPage());
    await page.goto(`${base}/shop/leave`);
    const ids = await page.evaluate(() => {
      const t = (window as unknown as TagwireWindow).tagwire;
      const out = { buffered: t.track("product_added", { product_id: "sku_unload", price: 5 }), onPagehide: "" };
      // Registered after the SDK's own pagehide listener: this event is tracked after the SDK flushed.
      addEventListener("pagehide", () => {
        out.onPagehide = t.track("lead_submitted", { lead_id: "lead_unload" }, { event_id: "evt-unload-pagehide" });
      });
      return out;
    });
    await page.goto("about:blank");
    const events = await waitForEvents(base, [ids.buffered, "evt-unload-pagehide"]);
    expect(events.map((e) => e.name)).toEqual(["product_added", "lead_submitted"]);
  });

  it("keeps a send that failed offline and delivers it when the connection returns", async () => {
    await servePage(page, base, "/shop/offline", scriptPage());
    await page.goto(`${base}/shop/offline`);
    await context.setOffline(true);
    const id = await track("product_added", { product_id: "sku_offline", price: 7 });
    await page.waitForFunction((eid) => (localStorage.getItem("tw_q") ?? "").includes(eid), id, { timeout: 15_000 });
    await context.setOffline(false);
    const [event] = await waitForEvents(base, [id]);
    expect(event!.properties).toMatchObject({ product_id: "sku_offline" });
    await page.waitForFunction(() => localStorage.getItem("tw_q") === null, undefined, { timeout: 15_000 });
  });

  it("keeps a batch the server answered 503 and sends it on the next page load", async () => {
    await servePage(page, base, "/shop/outage", scriptPage());
    const ingest = `${base}${P}/e`;
    await page.route(ingest, (route) => route.fulfill({ status: 503, contentType: "application/json", body: "{}" }));
    await page.goto(`${base}/shop/outage`);
    const id = await track("product_added", { product_id: "sku_outage", price: 9 });
    await page.waitForFunction((eid) => (localStorage.getItem("tw_q") ?? "").includes(eid), id, { timeout: 15_000 });
    await page.unroute(ingest);
    await page.reload();
    const [event] = await waitForEvents(base, [id]);
    expect(event!.properties).toMatchObject({ product_id: "sku_outage" });
  });

  it("loses nothing a page tracked before the script loaded, and replays it in order with its consent", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    await page.route(`${base}${P}/s.js`, async (route) => {
      await released;
      await route.continue();
    });
    const snippet = snippetFor(`${P}/s.js`);
    const body = `<script>
      window.early = [
        tagwire.track("product_added", { product_id: "sku_early", price: 3 }),
        tagwire.identify("user_e2e", { email: "ada@example.com" }),
      ];
      tagwire.consent({ ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" });
      window.early.push(tagwire.track("purchase_completed", { order_id: "ord_early", value: 12 }, { event_id: "evt-early-purchase" }));
      window.early.push(tagwire.track("lead_submitted", { lead_id: "lead_early" }, { event_id: "42" }));
    </script>`;
    await servePage(page, base, "/shop/early", `<!doctype html><html><head><title>Early</title><script>${snippet}</script></head><body>${body}</body></html>`);
    // The page's load event waits for the held script, so only wait for the document.
    await page.goto(`${base}/shop/early`, { waitUntil: "domcontentloaded" });
    const early = await page.evaluate(() => (window as unknown as { early: (string | undefined)[] }).early);
    expect(early[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(early[1]).toBeUndefined(); // identify's id is not known before load; track's is
    expect(early[2]).toBe("evt-early-purchase");
    expect(early[3]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    release();
    const [added, purchase] = await waitForEvents(base, [early[0]!, "evt-early-purchase", early[3]!]);
    expect(added).toMatchObject({ name: "product_added", consent: { ads: true } });
    expect(purchase).toMatchObject({ name: "purchase_completed", user_id: "user_e2e", consent: { ads: false }, value: 12 });
    const identify = (await debugEvents(base)).find((e) => e.name === "user_identified" && e.user_id === "user_e2e");
    expect(identify?.user.email).toBe("ada@example.com");
    expect(Date.parse(added!.time)).toBeLessThanOrEqual(Date.parse(purchase!.time));
  });

  it("never throws into the host page, even with unserializable properties and localStorage blocked", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // Storage disabled by the browser (some privacy modes, sandboxed frames): every access throws.
    await page.addInitScript(() =>
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("storage is disabled", "SecurityError");
        },
      }),
    );
    await servePage(page, base, "/shop/hostile", scriptPage());
    await page.goto(`${base}/shop/hostile`);
    const got = await page.evaluate(() => {
      const t = (window as unknown as TagwireWindow).tagwire as unknown as Record<string, (...a: unknown[]) => unknown>;
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      const outcomes: unknown[] = [];
      for (const call of [
        () => t.track!("product_added", cycle),
        () => t.track!("product_added", { n: BigInt(1) }),
        () => t.track!(),
        () => t.consent!(null),
        () => t.identify!(),
        () => t.reset!(),
        () => t.page!(),
      ]) {
        try {
          outcomes.push(call() ?? null);
        } catch (e) {
          outcomes.push(`threw ${String(e)}`);
        }
      }
      return { outcomes, ok: t.track!("lead_submitted", { lead_id: "lead_hostile" }) as string };
    });
    expect(got.outcomes.filter((o) => typeof o === "string" && o.startsWith("threw"))).toEqual([]);
    expect(got.outcomes.slice(0, 2)).toEqual([null, null]);
    const [event] = await waitForEvents(base, [got.ok]);
    expect(event!.properties).toEqual({ lead_id: "lead_hostile" });
    expect(errors).toEqual([]);
  });
});
