/** Per-client rate limits on the browser routes, through the Rate Limiting bindings of wrangler.toml [env.dev]. */
import { describe, expect, it } from "vitest";
import { BASE, CHROME_UA, P, US_CF, bucket, call, configWithHook, doubleRequests, send } from "../helpers/worker.ts";

const TOKEN = "admin_test_token_0123456789";
// Every test its own client, so limits spent by one never touch another.
let seq = 0;
const uniqueIp = () => `2001:db8:${(++seq).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}::1`;

function limited(b: string, patch: (c: Record<string, any>) => void = () => {}) {
  return configWithHook(b, (c) => {
    c.rate_limits = { browser: "RATE_LIMIT_BROWSER", pixel: "RATE_LIMIT_PIXEL", conversions: "RATE_LIMIT_CONVERSIONS" };
    patch(c);
  });
}
const view = (n: number) => ({ name: "page_viewed", event_id: `rl_view_${crypto.randomUUID()}_${n}` });
const buy = (n: number) => ({ name: "purchase_completed", event_id: `rl_buy_${crypto.randomUUID()}`, properties: { order_id: `o_${crypto.randomUUID()}_${n}`, value: 5 } });

const pixel = (client: string, config: unknown, method = "GET") =>
  call(
    new Request(`${BASE}${P}/p.gif?n=lead_submitted&p.lead_id=l1`, { method, headers: { "user-agent": CHROME_UA, "cf-connecting-ip": client }, cf: US_CF as unknown as IncomingRequestCfProperties }),
    { config },
  );

describe("rate limits", () => {
  it("answers 429 with Retry-After = the period once a client passes its limit, and counts the refusal", async () => {
    const b = bucket();
    const config = limited(b, (c) => {
      c.rate_limits.browser = "RATE_LIMIT_TEST";
      c.rate_limits.periods = { RATE_LIMIT_TEST: 10 };
    });
    const client = uniqueIp();
    // Windows are fixed (not sliding): three requests may straddle a boundary, so allow a second window's worth.
    const answers: Response[] = [];
    for (let i = 0; i < 7 && answers.at(-1)?.status !== 429; i++) answers.push(await send(view(i), { config, headers: { "cf-connecting-ip": client } }));
    const res = answers.at(-1)!;
    expect(answers.length).toBeGreaterThanOrEqual(4);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(res.headers.get("access-control-allow-origin")).toBe("https://shop.example.com");
    expect(await res.json()).toMatchObject({ error: "rate_limited", details: [{ path: "request" }] });
    // Another client, or the same IP from another site: unaffected.
    expect((await send(view(4), { config, headers: { "cf-connecting-ip": uniqueIp() } })).status).toBe(202);
    expect((await send(view(5), { config, headers: { "cf-connecting-ip": client, origin: "https://t.shop.example.com" } })).status).toBe(202);
    const stats = await call(new Request(`${BASE}${P}/admin/stats?event=(request)`, { headers: { authorization: `Bearer ${TOKEN}` } }), { config });
    const totals = ((await stats.json()) as any).events["(request)"].totals;
    expect(totals["rate_limited:RATE_LIMIT_TEST"]).toBeGreaterThanOrEqual(1);
  });

  it("limits conversions with the shipped binding (20 per 60 s in dev): the 21st purchase is refused, page views still flow", { timeout: 60_000 }, async () => {
    const b = bucket();
    const config = limited(b, (c) => (c.rate_limits.browser = false));
    const client = uniqueIp();
    let accepted = 0;
    let res: Response | undefined;
    // At least 20 pass; a fixed window may restart once on the way, so at most 40.
    for (let i = 0; i < 41; i++) {
      res = await send(buy(i), { config, headers: { "cf-connecting-ip": client } });
      if (res.status !== 202) break;
      accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(res!.status).toBe(429);
    expect(res!.headers.get("retry-after")).toBe("60");
    expect((await send(view(0), { config, headers: { "cf-connecting-ip": client } })).status).toBe(202);
    const sent = (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events).filter((e: { name: string }) => e.name === "purchase_completed");
    expect(sent).toHaveLength(accepted);
  });

  it("lets the config pick the limiter per event, or none", { timeout: 60_000 }, async () => {
    const b = bucket();
    const config = limited(b, (c) => {
      c.rate_limits.browser = false;
      c.rate_limits.events = { purchase_completed: false, lead_submitted: "RATE_LIMIT_CONVERSIONS" };
    });
    const client = uniqueIp();
    for (let i = 0; i < 25; i++) expect((await send(buy(i), { config, headers: { "cf-connecting-ip": client } })).status).toBe(202);
  });

  it("still answers the pixel's GIF when limited, with 429, recording nothing and setting no cookie", async () => {
    const b = bucket();
    const config = limited(b, (c) => {
      c.rate_limits.pixel = "RATE_LIMIT_TEST";
      c.rate_limits.periods = { RATE_LIMIT_TEST: 10 };
      c.rate_limits.conversions = false;
    });
    const client = uniqueIp();
    let res = await pixel(client, config);
    for (let i = 0; i < 7 && res.status === 200; i++) res = await pixel(client, config);
    const before = (await doubleRequests(b)).length;
    expect(res.status).toBe(429);
    res = await pixel(client, config);
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(res.headers.get("retry-after")).toBe("10");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await doubleRequests(b)).length).toBe(before);
  });
});
