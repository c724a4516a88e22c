/**
 * The inspector page as served: with debug = true it is also the development page (the SDK through the head
 * snippet, buttons that send through it) under a policy that lets P/s.js load; without debug it loads no SDK
 * and has no buttons. What the buttons do in a browser: test/e2e/inspector.test.ts.
 */
import { describe, expect, it } from "vitest";
import { snippetFor } from "../../src/sdk/snippet.ts";
import { BASE, call, configCopy, P } from "../helpers/worker.ts";

const page = (config?: unknown) => call(new Request(`${BASE}${P}/inspector`), config === undefined ? {} : { config });
const scriptSrc = (res: Response) => /script-src ([^;]*)/.exec(res.headers.get("content-security-policy") ?? "")?.[1];

describe("the inspector page with debug = true", () => {
  it("loads the SDK through the head snippet, under a policy that allows P/s.js from this origin", async () => {
    const res = await page();
    expect(res.status).toBe(200);
    expect(scriptSrc(res)).toBe("'self' 'unsafe-inline'");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await res.text();
    const head = html.slice(0, html.indexOf("</head>"));
    expect(head).toContain(`<script>${snippetFor(`${P}/s.js`)}</script>`);
  });

  it("has the demo's buttons, the ad-consent checkbox and the last event_id", async () => {
    const html = await (await page()).text();
    for (const b of ["page", "cart", "purchase", "lead", "identify", "spa"]) expect(html).toContain(`data-demo="${b}"`);
    for (const call of ['track("product_added"', 'track("purchase_completed"', 'track("lead_submitted"', "score: 80", 'identify("user_42"', "ada@example.com", "utm_source=demo", "TW().consent("]) {
      expect(html).toContain(call);
    }
    expect(html).toContain('id="ads"');
    expect(html).toContain('id="last"');
    expect(html).toContain('const GLOBAL="tagwire"');
  });

  it("puts event values into the page as text only", async () => {
    const html = await (await page()).text();
    for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"]) expect(html).not.toContain(sink);
    expect(html.length).toBeLessThan(32_000);
  });

  it("follows a renamed SDK route and global", async () => {
    const cfg = configCopy();
    cfg.sdk_global = "acme";
    cfg.routes = { ...cfg.routes, sdk: "lib.js" };
    const html = await (await page(cfg)).text();
    expect(html).toContain(snippetFor(`${P}/lib.js`, "acme"));
    expect(html).toContain('const GLOBAL="acme"');
  });
});

describe("the inspector page without debug (production)", () => {
  it("loads no SDK, has no buttons, and allows inline scripts only", async () => {
    const cfg = configCopy();
    cfg.debug = false;
    const res = await page(cfg);
    expect(res.status).toBe(200);
    expect(scriptSrc(res)).toBe("'unsafe-inline'");
    const html = await res.text();
    expect(html).not.toContain(`${P}/s.js`);
    expect(html).not.toContain("data-demo=");
    expect(html).not.toContain('id="dev"');
    expect(html).toContain("const DEBUG=false");
  });
});
