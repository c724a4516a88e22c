/** What the public routes give away or let a stranger trigger: health, pixel side effects, headers, debug. */
import { describe, expect, it } from "vitest";
import { BASE, CHROME_UA, P, US_CF, bucket, call, configCopy, configWithHook, doubleRequests, send } from "../helpers/worker.ts";

const TOKEN = "admin_test_token_0123456789";
const req = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  new Request(`${BASE}${P}${path}`, { ...init, headers: { "user-agent": CHROME_UA, "cf-connecting-ip": "203.0.113.10", ...init.headers }, cf: US_CF as unknown as IncomingRequestCfProperties });

describe("public health", () => {
  it("says only ok or not, and nothing of destinations, modes, prefix or plan", async () => {
    const res = await call(req("/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    const wrong = await call(req("/health", { headers: { authorization: "Bearer nope" } }));
    expect(await wrong.json()).toEqual({ status: "ok" });
  });

  it("says degraded when a live destination lacks its secret, and names it only to the admin", async () => {
    const c = configCopy();
    c.destinations.hook.secret = "MISSING_SECRET";
    expect(await (await call(req("/health"), { config: c })).json()).toEqual({ status: "degraded" });
    const full = (await (await call(req("/health", { headers: { authorization: `Bearer ${TOKEN}` } }), { config: c })).json()) as any;
    expect(full).toMatchObject({ status: "degraded", version: "test", prefix: "/k7q" });
  });
});

describe("pixel side effects", () => {
  it("records nothing for HEAD and sets no cookie", async () => {
    const b = bucket();
    const res = await call(req("/p.gif?n=lead_submitted&p.lead_id=l_head&id=pixel_head_0001", { method: "HEAD" }), { config: configWithHook(b) });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await doubleRequests(b)).toEqual([]);
  });

  it("sets no cookie (tw_id, tw_sid, _fbp) on a rejected pixel", async () => {
    const c = configWithHook(bucket());
    c.destinations.meta = { type: "meta", mode: "dry_run", pixel_id: "1234567890123456", access_token: "TEST_WEBHOOK_SECRET" };
    const res = await call(req("/p.gif?n=product_added&p.price=abc"), { config: c });
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
    const ok = await call(req("/p.gif?n=lead_submitted&p.lead_id=l_ok"), { config: c });
    expect(ok.headers.getSetCookie().map((s) => s.split("=")[0])).toEqual(expect.arrayContaining(["tw_id", "tw_sid", "_fbp"]));
  });

  it("carries only ASCII in X-Tagwire-Error, whatever the request echoed, as valid JSON", async () => {
    const e = JSON.stringify({ name: "lead_submitted", properties: { lead_id: "l" }, "bogus\u00e9\u3000\u{1f600}": 1 });
    const res = await call(req(`/p.gif?e=${encodeURIComponent(e)}`));
    expect(res.status).toBe(400);
    const header = res.headers.get("x-tagwire-error")!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(header).details[0].path).toBe("bogus\u00e9\u3000\u{1f600}");
  });

  it("keeps X-Tagwire-Error short when a request produces many long errors", async () => {
    const props = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}_${"x".repeat(90)}`, "y".repeat(2000)]));
    const res = await call(req(`/p.gif?e=${encodeURIComponent(JSON.stringify({ name: "lead_submitted", properties: { lead_id: "l", ...props } }))}`));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get("x-tagwire-error")!.length).toBeLessThanOrEqual(2_000);
  });
});

describe("P/debug/clear", () => {
  const clear = (headers: Record<string, string>) => call(new Request(`http://localhost:8787${P}/debug/clear`, { method: "POST", headers }));

  it("refuses a cross-site POST (another page's form), even on localhost", async () => {
    expect((await clear({ origin: "https://evil.example" })).status).toBe(403);
    expect((await clear({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await clear({ origin: "null" })).status).toBe(403);
  });

  it("clears for a same-origin page or a tool that sends no Origin", async () => {
    expect((await clear({ origin: "http://localhost:8787", "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await clear({})).status).toBe(200);
  });
});

describe("P/e side effects", () => {
  it("sets no cookie when every event of the request was refused", async () => {
    const res = await send({ name: "product_added", properties: { price: "abc" } });
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
