/**
 * Capture mode in real chromium, as in production: `wrangler dev` with the demo config turned to debug = false
 * and an admin token. The operator pastes the token, starts a capture for purchases from the inspector's strip,
 * a purchase arrives, and its timeline shows the request as received (cookies other than Tagwire's by name only)
 * and what each destination was sent; a page view sent meanwhile is not captured; Stop ends it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, chromiumAvailable, launchBrowser, P, startWorker, type WorkerUnderTest } from "./harness.ts";

const present = chromiumAvailable();
const ci = process.env.CI === "true";
const img = (name: string) => (process.env.TAGWIRE_SCREENSHOTS ? fileURLToPath(new URL(`../../docs/img/${name}`, import.meta.url)) : undefined);
const CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const TOKEN = `e2e_admin_${crypto.randomUUID().replace(/-/g, "")}`;

describe.skipIf(!present && !ci)("capture mode in a real browser (debug = false)", () => {
  let worker: WorkerUnderTest | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!present) throw new Error(`CI=true and chromium is missing at ${CHROMIUM}`);
    const dev = readFileSync(fileURLToPath(new URL("../../dev/tagwire.config.toml", import.meta.url)), "utf8");
    const production = dev.replace(/^debug = true$/m, "debug = false");
    expect(production).not.toBe(dev);
    worker = await startWorker(["--var", `TAGWIRE_CONFIG:${production}`, "--var", `TAGWIRE_ADMIN_TOKEN:${TOKEN}`]);
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 1400, height: 900 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
  });

  const send = (body: unknown) =>
    fetch(`${worker!.base}${P}/e`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: worker!.base, "user-agent": CHROME, cookie: "tw_id=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b; shop_session=s3cr3t" },
      body: JSON.stringify(body),
    });

  async function openWhen(id: string, text: string): Promise<string> {
    for (let i = 0; i < 40; i++) {
      await page.fill('input[name="q"]', id);
      await page.click("#filters button");
      await page.waitForTimeout(400);
      const row = page.locator(`tbody#rows tr[data-id="${id}"]`);
      if (await row.count()) {
        await row.click();
        await page.waitForFunction((eid) => document.querySelector("#detail h2")?.textContent?.endsWith(eid), id);
        const detail = (await page.textContent("#detail"))!;
        if (detail.includes(text)) return detail;
      }
      await page.waitForTimeout(600);
    }
    throw new Error(`event ${id} never showed "${text}"`);
  }

  it("starts from the inspector, captures a purchase's full timeline, not a page view, and stops", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => errors.push(m.text()));
    await page.goto(`${worker!.base}${P}/inspector`);
    // No development strip, no SDK: this is production.
    await expect(page.locator("#dev").count()).resolves.toBe(0);
    await page.fill("#token", TOKEN);
    await page.dispatchEvent("#token", "change");
    await page.waitForFunction(() => document.querySelector("#capture .state")?.textContent === "Capture: off", undefined, { timeout: 10_000 }).catch(async (e) => {
      throw new Error(`capture strip: ${await page.textContent("#capture")} / ${await page.textContent("#error")} / ${await page.textContent("#alerts")} / ${errors.join(" | ")}`, { cause: e });
    });

    await page.fill('#capture input[name="minutes"]', "5");
    await page.fill('#capture input[name="events"]', "purchase_completed");
    await page.click("#capture-start");
    await page.waitForFunction(() => document.querySelector("#capture .state")?.textContent?.startsWith("Capture: on until"));
    await expect(page.textContent("#capture .state")).resolves.toContain("purchase_completed, by admin token");

    const purchase = `evt_${crypto.randomUUID()}`;
    const view = `evt_${crypto.randomUUID()}`;
    expect((await send({ name: "purchase_completed", event_id: purchase, properties: { order_id: `ord_${purchase}`, value: 59.8, currency: "USD" }, traits: { email: "ada@example.com" } })).status).toBe(202);
    expect((await send({ name: "page_viewed", event_id: view })).status).toBe(202);

    // Held for its merge window (2 s in the demo config), then sent: wait for the destinations' requests.
    const detail = await openWhen(purchase, "dry_run (not sent)");
    expect(detail).toContain("Full payloads (capture)");
    expect(detail).toContain("Request as received: POST");
    await page.click('#detail details[data-key="recv:0"] summary');
    const cookies = (await page.locator('#detail details[data-key="recv:0"] pre').nth(1).textContent())!;
    expect(cookies).toContain("tw_id: 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    expect(cookies).toContain("shop_session: (not read)");
    expect(detail).not.toContain("s3cr3t");
    // Each destination's request as built (dry_run in the demo config), in its own block.
    await expect(page.locator("#detail details[data-key^='req:']").count()).resolves.toBeGreaterThan(2);
    await page.screenshot({ path: img("inspector-capture.png"), fullPage: true });

    const viewDetail = await openWhen(view, "page_viewed");
    expect(viewDetail).not.toContain("Request as received");

    await page.click("#capture-stop");
    await page.waitForFunction(() => document.querySelector("#capture .state")?.textContent === "Capture: off");
  }, 150_000);

  it("says on the alert strip which rates were not judged (under min_events), beside 'all clear'", async () => {
    const summary = "not judged: 3 deliveries, under min_events = 10; 100% of deliveries dead-lettered (3 of 3); threshold 5%";
    await page.route("**/inspector/alerts", (route) =>
      route.fulfill({
        contentType: "application/json",
        body: JSON.stringify({ enabled: true, webhook: false, window_minutes: 60, last_run: Date.now(), last_error: null, alerts: [{ destination: "warehouse", condition: "dead_letter_rate", firing: false, since: Date.now(), summary }] }),
      }),
    );
    await page.reload();
    await page.waitForFunction(() => document.querySelector("#alerts")?.textContent?.includes("not judged yet"));
    const strip = (await page.textContent("#alerts"))!;
    expect(strip).toContain("Alerts: all clear");
    expect(strip).toContain("not judged yet: warehouse dead_letter_rate (not judged: 3 deliveries, under min_events = 10)");
    await page.unroute("**/inspector/alerts");
  }, 60_000);
});
