/**
 * The inspector in real chromium against `wrangler dev --env dev` (its own free port): send an event with the
 * page's button and a headless browser's event, filter by outcome, open each event and read every
 * destination's outcome and reason. Writes the screenshots docs/ledger.md shows.
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

    await page.click('[data-send="purchase_completed"]');
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
    await expect(page.locator("#detail").textContent()).resolves.toContain("Full payloads (debug = true)");
    await page.screenshot({ path: img("inspector-event.png"), fullPage: true });
  }, 150_000);
});
