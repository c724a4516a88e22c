/**
 * The inspector in real chromium against `wrangler dev --env dev` (its own free port): send an event with the
 * page's button and a headless browser's event, filter by outcome, open each event and read every
 * destination's outcome and reason; then the development buttons (the old demo page), each sending through the
 * SDK and opening its event, ad consent denied, and a dry_run payload read from its parsed body. Writes the
 * screenshots docs/ledger.md shows.
 */
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, chromiumAvailable, launchBrowser, P, startWorker, type WorkerUnderTest } from "./harness.ts";

const present = chromiumAvailable();
const ci = process.env.CI === "true";
/** Screenshots for docs/ledger.md, written only when asked (TAGWIRE_SCREENSHOTS=1), so test runs leave the tree alone. */
const img = (name: string) => (process.env.TAGWIRE_SCREENSHOTS ? fileURLToPath(new URL(`../../docs/img/${name}`, import.meta.url)) : undefined);
const HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";

describe.skipIf(!present && !ci)("the inspector in a real browser", () => {
  let worker: WorkerUnderTest | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!present) throw new Error(`CI=true and chromium is missing at ${CHROMIUM}`);
    worker = await startWorker();
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 1400, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
  });

  /** Clicks Filter until a row for `name` shows (the queue consumer runs about a second later). */
  async function waitForRow(name: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await page.click("#filters button");
      await page.waitForTimeout(300);
      if (await page.locator("tbody#rows tr[data-id]", { hasText: name }).count()) return;
    }
    throw new Error(`no ${name} row in the inspector`);
  }

  async function reasons(): Promise<Record<string, string>> {
    await page.waitForSelector("#detail table tbody tr");
    return page.$$eval("#detail table tbody tr", (trs) => Object.fromEntries(trs.map((tr) => [tr.children[0]!.textContent!, `${tr.children[1]!.textContent} — ${tr.children[2]!.textContent}`])));
  }

  it("shows a sent event, a headless browser as a bot with why, and every destination's reason", async () => {
    const base = worker!.base;
    await page.goto(`${base}${P}/inspector`);
    await expect(page.title()).resolves.toBe("Tagwire inspector");

    await page.click('[data-demo="purchase"]');
    // The page opens the event it sent once the consumer has written it; wait, so later clicks are not raced.
    await page.waitForFunction(() => document.querySelector("#detail h2")?.textContent?.startsWith("purchase_completed"), undefined, { timeout: 20_000 });
    const bot = await fetch(`${base}${P}/e`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, "user-agent": HEADLESS },
      body: JSON.stringify({ name: "lead_submitted", properties: { lead_id: "lead_e2e" } }),
    });
    expect(bot.status).toBe(202);
    await waitForRow("purchase_completed");
    await waitForRow("lead_submitted");
    await page.screenshot({ path: img("inspector-list.png") });

    // Filter: bots only.
    await page.selectOption('select[name="outcome"]', "bot");
    await page.click("#filters button");
    await page.waitForTimeout(500);
    const rows = page.locator("tbody#rows tr[data-id]");
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain("bot: headless user agent");
    await rows.first().click();
    // The purchase the page opened by itself is followed while held: wait for the row clicked to be the one shown.
    await page.waitForFunction(() => document.querySelector("#detail h2")?.textContent?.startsWith("lead_submitted"), undefined, { timeout: 10_000 });
    const botReasons = await reasons();
    expect(Object.keys(botReasons).length).toBeGreaterThan(3);
    for (const [dest, why] of Object.entries(botReasons)) expect(why, dest).toContain("bot — headless user agent");
    await expect(page.locator("#detail").textContent()).resolves.toContain("forward_bots");

    // The purchase: every destination has an outcome and a reason.
    await page.selectOption('select[name="outcome"]', "");
    await page.fill('input[name="name"]', "purchase_completed");
    await page.click("#filters button");
    await page.waitForTimeout(500);
    // A purchase is held for its merge window first (pending), then goes out.
    let why: Record<string, string> = {};
    for (let i = 0; i < 40; i++) {
      await page.locator("tbody#rows tr[data-id]").first().click();
      why = await reasons();
      if (!why.meta?.startsWith("held")) break;
      await page.waitForTimeout(2000);
    }
    expect(why.meta).toMatch(/^(dry_run|missing_identifier|consent_blocked|unmapped)/);
    for (const [dest, w] of Object.entries(why)) expect(w.split(" — ")[0], dest).not.toBe("");
    await expect(page.locator("#detail").textContent()).resolves.toContain("Payloads (debug = true)");
  }, 150_000);

  /** Clicks a development button and waits until the page has opened the event it sent; returns its id. */
  async function sendAndOpen(button: string, name: string): Promise<string> {
    const before = await page.textContent("#last");
    await page.click(`[data-demo="${button}"]`);
    await page.waitForFunction((prev) => {
      const t = document.getElementById("last")!.textContent!;
      return t !== prev && /^[0-9a-f-]{36}$/.test(t);
    }, before, { timeout: 20_000 });
    const id = (await page.textContent("#last"))!;
    // The page polls the ledger until the queue consumer has written the event, then opens it by itself.
    await page.waitForFunction((eid) => document.querySelector("#detail h2")?.textContent?.endsWith(eid), id, { timeout: 20_000 });
    await expect(page.textContent("#detail h2")).resolves.toBe(`${name} · ${id}`);
    await expect(page.locator(`tbody#rows tr[data-id="${id}"]`).count()).resolves.toBe(1);
    return id;
  }

  /** The open event's destinations once none is pending any more (the page redraws it until then). */
  async function settledReasons(): Promise<Record<string, string>> {
    await page.waitForFunction(() => {
      const cells = Array.from(document.querySelectorAll("#outcomes tbody tr td:nth-child(2)"));
      return cells.length > 0 && cells.every((c) => !/^(held|retrying|rate_limited)$/.test(c.textContent!));
    }, undefined, { timeout: 30_000 });
    return reasons();
  }

  it("sends each development button's event through the SDK and opens it; denied ad consent blocks the ad networks", async () => {
    const base = worker!.base;
    await page.goto(`${base}${P}/inspector`);
    // Loaded by the head snippet, under the page's CSP.
    await page.waitForFunction(() => typeof (window as unknown as { tagwire?: { flush?: unknown } }).tagwire?.flush === "function");

    await sendAndOpen("page", "page_viewed");
    await sendAndOpen("cart", "product_added");
    const granted = await sendAndOpen("purchase", "purchase_completed");
    const lead = await sendAndOpen("lead", "lead_submitted");
    await sendAndOpen("identify", "user_identified");
    await sendAndOpen("spa", "page_viewed");
    // The SPA page view carries the new URL's utm_source (read from the canonical event as received).
    await page.click('#detail details[data-key="event:0"] summary');
    const spaEvent = JSON.parse((await page.textContent('#detail details[data-key="event:0"] pre'))!) as { campaign: { source: string }; page: { url: string } };
    expect(spaEvent.campaign.source).toBe("demo");
    expect(spaEvent.page.url).toContain("utm_source=demo");
    expect(granted).not.toBe(lead);

    // Ad consent denied through TW.consent: the ad networks get nothing, analytics still does.
    await page.uncheck("#ads");
    const denied = await sendAndOpen("purchase", "purchase_completed");
    const why = await settledReasons();
    expect(why.meta).toMatch(/^consent_blocked/);
    expect(why.ads_demo).toMatch(/^consent_blocked/);
    expect(why.warehouse).toMatch(/^dry_run/);

    // The warehouse's dry_run request, readable: its body parsed and pretty-printed.
    const block = page.locator('#detail details[data-key^="req:warehouse:"]');
    await block.waitFor({ timeout: 20_000 });
    await block.locator("summary").first().click();
    await expect(block.locator("summary").first().textContent()).resolves.toContain("dry_run (not sent)");
    await expect(block.locator("dl").textContent()).resolves.toContain("https://hooks.example.com/tagwire");
    const body = (await block.locator("pre.body").textContent())!;
    expect(body).toContain('\n  "');
    expect(body).toContain(denied);
    expect(() => JSON.parse(body)).not.toThrow();
    await page.screenshot({ path: img("inspector-event.png"), fullPage: true });
  }, 150_000);
});
