/** The routes other than the ingest body rules: pixel, health, debug, CORS, unknown paths and methods. */
import { describe, expect, it } from "vitest";
import { BASE, CHROME_UA, ORIGIN, P, US_CF, bucket, call, configCopy, configWithHook, doubleRequests, send } from "../helpers/worker.ts";

const get = (path: string, headers: Record<string, string> = {}, config?: unknown) =>
  call(new Request(`${BASE}${P}${path}`, { headers: { "user-agent": CHROME_UA, ...headers }, cf: US_CF as unknown as IncomingRequestCfProperties }), config === undefined ? {} : { config });

describe("GET P/p.gif", () => {
  it("accepts flat query fields, types properties by the plan and answers a 1×1 GIF", async () => {
    const b = bucket();
    const res = await get(`/p.gif?n=product_added&id=pixel_evt_0001&p.product_id=sku_9&p.price=19.5&p.quantity=2&url=${encodeURIComponent("https://shop.example.com/mail?utm_source=email")}`, {}, configWithHook(b));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/gif");
    const gif = new Uint8Array(await res.arrayBuffer());
    expect(String.fromCharCode(...gif.slice(0, 6))).toBe("GIF89a");
    const [sent] = await doubleRequests(b);
    const event = JSON.parse(sent!.body).events[0];
    expect(event).toMatchObject({ event_id: "pixel_evt_0001", source: "pixel", properties: { product_id: "sku_9", price: 19.5, quantity: 2 }, value: 19.5, campaign: { source: "email" } });
  });

  it("accepts the whole event as e=<JSON>", async () => {
    const b = bucket();
    const e = { name: "lead_submitted", event_id: "pixel_evt_0002", properties: { lead_id: "l_1" } };
    const res = await get(`/p.gif?e=${encodeURIComponent(JSON.stringify(e))}`, {}, configWithHook(b));
    expect(res.status).toBe(200);
    expect(JSON.parse((await doubleRequests(b))[0]!.body).events[0]).toMatchObject({ name: "lead_submitted", value: 500, value_kind: "estimated" });
  });

  it("still answers a GIF to a bad event, with status 400 and the field in X-Tagwire-Error", async () => {
    const res = await get("/p.gif?n=product_added&p.price=abc");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("image/gif");
    const err = JSON.parse(res.headers.get("x-tagwire-error")!);
    expect(err.details.map((d: { path: string }) => d.path)).toContain("properties.product_id");
  });
});

describe("GET P/health", () => {
  it("reports the version and each destination's mode and purpose to the admin token, without secret values", async () => {
    const res = await get("/health", { authorization: "Bearer admin_test_token_0123456789" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", version: "test", prefix: "/k7q" });
    expect((body as { destinations: unknown[] }).destinations).toContainEqual(expect.objectContaining({ id: "hook", type: "webhook", mode: "live", purpose: "analytics" }));
    expect(JSON.stringify(body)).not.toContain("whsec_test_0123456789");
  });

  it("warns, by name only, about a secret a live destination needs and the Worker lacks", async () => {
    const c = configCopy();
    c.destinations.hook.secret = "MISSING_SECRET";
    const body = (await (await get("/health", { authorization: "Bearer admin_test_token_0123456789" }, c)).json()) as { destinations: { id: string; warnings?: string[] }[] };
    expect(body.destinations.find((d) => d.id === "hook")!.warnings).toEqual(["secret MISSING_SECRET is not set"]);
  });

  it("lists every secret the config names and the Worker lacks, with what stops working, and is degraded where data is at stake", async () => {
    const c = configCopy();
    c.archive = { key_secret: "MISSING_ARCHIVE_KEY" };
    c.alerts = { webhook_secret: "MISSING_ALERTS_WEBHOOK" };
    c.sources = { crm: { secret: "MISSING_CRM_SECRET" } };
    const admin = { authorization: "Bearer admin_test_token_0123456789" };
    const body = (await (await get("/health", admin, c)).json()) as { status: string; missing_secrets: { name: string; path: string; effect: string }[] };
    expect(body.status).toBe("degraded");
    expect(body.missing_secrets).toEqual(
      expect.arrayContaining([
        { name: "MISSING_ARCHIVE_KEY", path: "archive.key_secret", effect: expect.stringContaining("archive off: events are not archived, so there is no backfill source") },
        { name: "MISSING_ALERTS_WEBHOOK", path: "alerts.webhook_secret", effect: expect.stringContaining("alerts are not sent") },
        { name: "MISSING_CRM_SECRET", path: "sources.crm.secret", effect: expect.stringContaining("refused") },
      ]),
    );
    // The public answer says degraded, and nothing more.
    expect(await (await get("/health", {}, c)).json()).toEqual({ status: "degraded" });
  });

  it("stays ok when only a secret that loses no data is missing (the alerts webhook), and lists it", async () => {
    const c = configCopy();
    c.alerts = { webhook_secret: "MISSING_ALERTS_WEBHOOK" };
    const body = (await (await get("/health", { authorization: "Bearer admin_test_token_0123456789" }, c)).json()) as { status: string; missing_secrets: { name: string }[] };
    expect(body.status).toBe("ok");
    expect(body.missing_secrets.map((m) => m.name)).toEqual(["MISSING_ALERTS_WEBHOOK"]);
  });

  it("answers every path with 500 config_invalid and readable problems when the config is broken", async () => {
    const broken = { ...configCopy(), prefix: "/collect", time_tolerance_hours: "soon" };
    for (const path of ["/health", "/e", "/anything"]) {
      const res = await get(path, {}, broken);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: string; problems: { path: string; message: string }[] };
      expect(body.error).toBe("config_invalid");
      expect(body.problems.map((p) => p.path)).toEqual(expect.arrayContaining(["prefix", "time_tolerance_hours"]));
    }
  });
});

describe("P/debug/*", () => {
  it("lists recent canonical events on localhost when debug is on", async () => {
    await send({ name: "lead_submitted", event_id: "dbg_evt_00001", properties: { lead_id: "l_dbg" } });
    const res = await call(new Request(`http://localhost:8787${P}/debug/events`));
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as { events: { event_id: string }[] };
    expect(events.map((e) => e.event_id)).toContain("dbg_evt_00001");
  });

  it("records dry-run requests with the secret redacted", async () => {
    await send({ name: "lead_submitted", event_id: "dbg_evt_00002", properties: { lead_id: "l_dbg2" } });
    const { requests } = (await (await call(new Request(`http://localhost:8787${P}/debug/requests`))).json()) as { requests: { destination: string; event_ids: string[]; request: { headers: Record<string, string> } }[] };
    const rec = requests.find((r) => r.destination === "recorded" && r.event_ids.includes("dbg_evt_00002"));
    expect(rec).toBeDefined();
    expect(JSON.stringify(rec)).not.toContain("whsec_test_0123456789");
    expect(rec!.request.headers["tagwire-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it("needs the admin token away from localhost, and is 404 when debug is off", async () => {
    expect((await get("/debug/events")).status).toBe(401);
    expect((await get("/debug/events", { authorization: "Bearer admin_test_token_0123456789" })).status).toBe(200);
    expect((await get("/debug/events", {}, { ...configCopy(), debug: false })).status).toBe(404);
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    call(new Request(`${BASE}${P}/e`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } }));

  it("answers a preflight from an allowed origin with 204, credentials and the allowed methods", async () => {
    const res = await preflight(ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")).toContain("content-type");
  });

  it("gives an allowed origin CORS headers with Vary: Origin on the answer", async () => {
    const res = await send({ name: "lead_submitted", event_id: "cors_evt_0001", properties: { lead_id: "l" } });
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("vary")).toBe("Origin");
  });

  it("refuses another origin with 403 and no CORS headers, preflight or not", async () => {
    const pre = await preflight("https://evil.example");
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const res = await send({ name: "lead_submitted", properties: { lead_id: "l" } }, { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(await res.json()).toMatchObject({ error: "origin_not_allowed", details: [{ path: "Origin" }] });
  });

  it("allows the Worker's own origin even when it is not listed", async () => {
    const res = await send({ name: "lead_submitted", event_id: "cors_evt_0002", properties: { lead_id: "l" } }, { headers: { origin: BASE } });
    expect(res.status).toBe(202);
  });
});

describe("unknown paths and methods", () => {
  it("answers 404 JSON for an unknown path and for paths outside the prefix", async () => {
    for (const path of [`${P}/nope`, "/e", "/other/e"]) {
      const res = await call(new Request(`${BASE}${path}`));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: "not_found" });
    }
  });

  it("answers 405 with Allow for a wrong method on a known path", async () => {
    const res = await call(new Request(`${BASE}${P}/health`, { method: "POST" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });
});
