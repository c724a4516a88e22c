import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { captureChanged, captures, type CaptureState } from "../../src/debug/capture.ts";
import { debugLog } from "../../src/debug/record.ts";
import type { DebugLog } from "../../src/debug/DebugLog.ts";
import { BASE, call, doubleRequests, ORIGIN, P, send, testEnv } from "../helpers/worker.ts";
import { ADMIN, get, ledgerConfig } from "./helpers.ts";
import { loadConfig } from "../../src/config/load.ts";

interface Timeline {
  debug?: {
    why: string;
    received: { body: string | null; cookies: Record<string, string>; headers: Record<string, string>; kept_until?: string }[];
    events: { event_id: string; kept_until?: string }[];
    requests: { destination: string; mode: string; request: { body?: string; headers: Record<string, string> }; response?: { status: number }; kept_until?: string }[];
  };
}

function capture(config: unknown, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(
    new Request(`${BASE}${P}/admin/capture`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    { config },
  );
}

const timeline = async (id: string, config: unknown) => (await (await get(`/inspector/event?id=${id}`, config)).json()) as Timeline;
const lead = (id: string) => ({ name: "lead_submitted", event_id: id, properties: { lead_id: `l_${id}`, email: "ada@example.com" } });

// Production: debug off, a live webhook, a dry_run webhook.
const production = () => ledgerConfig((c) => (c.debug = false));

afterEach(async () => {
  await debugLog(testEnv).setCapture(null);
  captureChanged(null, Date.now());
});

describe("capture mode (production, debug = false)", () => {
  it("keeps no live payload without a capture, and the full timeline of events sent while one runs", async () => {
    const t = production();
    const before = `evt_${crypto.randomUUID()}`;
    await send(lead(before), { config: t.config });
    const plain = await timeline(before, t.config);
    // Only what the dry_run destination would have been sent: nothing received, nothing live.
    expect(plain.debug?.why).toBe("dry_run");
    expect(plain.debug?.received).toEqual([]);
    expect(plain.debug?.requests.map((r) => r.mode)).toEqual(["dry_run"]);

    const on = await capture(t.config, { minutes: 10 });
    expect(on.status).toBe(200);
    const state = ((await on.json()) as { capture: { active: boolean; by: string; until: string; keep_hours: number } }).capture;
    expect(state).toMatchObject({ active: true, by: "admin token", keep_hours: 24 });
    expect(Date.parse(state.until) - Date.now()).toBeGreaterThan(9 * 60_000);

    const id = `evt_${crypto.randomUUID()}`;
    await send(lead(id), { config: t.config, headers: { cookie: "tw_id=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b; shop_session=s3cr3t-session; _fbp=fb.1.1700000000000.123456789" } });
    const full = await timeline(id, t.config);
    expect(full.debug?.why).toBe("capture");
    const [received] = full.debug!.received;
    expect(JSON.parse(received!.body!)).toMatchObject({ event_id: id, properties: { email: "ada@example.com" } });
    // Cookies Tagwire reads with their values; the shop's own session cookie by name only.
    expect(received!.cookies).toMatchObject({ tw_id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", _fbp: "fb.1.1700000000000.123456789", shop_session: "(not read)" });
    expect(JSON.stringify(received)).not.toContain("s3cr3t-session");
    expect(received!.headers).toMatchObject({ origin: ORIGIN });
    expect(full.debug!.events.map((e) => e.event_id)).toEqual([id]);
    const live = full.debug!.requests.find((r) => r.destination === t.live)!;
    expect(live.mode).toBe("live");
    expect(live.response?.status).toBe(200);
    // The live request as sent, secrets redacted: the webhook's signing secret never appears.
    expect((await doubleRequests(t.bucket)).length).toBeGreaterThan(0);
    expect(JSON.stringify(live)).not.toContain(String((testEnv as unknown as Record<string, unknown>).TEST_WEBHOOK_SECRET));
    // Every captured entry says until when it is kept.
    for (const e of [received!, ...full.debug!.events, ...full.debug!.requests]) expect(Date.parse(e.kept_until!) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    const off = await capture(t.config, { stop: true });
    expect(((await off.json()) as { capture: { active: boolean } }).capture.active).toBe(false);
    const after = `evt_${crypto.randomUUID()}`;
    await send(lead(after), { config: t.config });
    const later = await timeline(after, t.config);
    expect(later.debug?.why).toBe("dry_run");
    expect(later.debug?.received).toEqual([]);
    expect(later.debug?.requests.map((r) => r.mode)).toEqual(["dry_run"]);
  });

  it("captures only the event names asked for", async () => {
    const t = production();
    const res = await capture(t.config, { minutes: 5, events: ["purchase_completed"] });
    expect(res.status).toBe(200);
    const leadId = `evt_${crypto.randomUUID()}`;
    const buyId = `evt_${crypto.randomUUID()}`;
    await send(lead(leadId), { config: t.config });
    await send({ name: "purchase_completed", event_id: buyId, properties: { order_id: `o_${buyId}`, value: 10, currency: "EUR" } }, { config: t.config });
    expect((await timeline(leadId, t.config)).debug?.received).toEqual([]);
    const buy = await timeline(buyId, t.config);
    expect(buy.debug?.why).toBe("capture");
    expect(buy.debug?.received).toHaveLength(1);
    expect(buy.debug?.requests.map((r) => r.mode).sort()).toEqual(["dry_run", "live"]);
  });

  it("keeps the request of a conversion that is still held for merging", async () => {
    const t = ledgerConfig((c) => {
      c.debug = false;
      c.dedupe = { merge_seconds: 30 };
    });
    expect((await capture(t.config, { minutes: 5 })).status).toBe(200);
    const id = `evt_${crypto.randomUUID()}`;
    await send({ name: "purchase_completed", event_id: id, properties: { order_id: `o_${id}`, value: 10, currency: "EUR" } }, { config: t.config });
    const held = await timeline(id, t.config);
    expect(held.debug?.why).toBe("capture");
    expect(held.debug?.received).toHaveLength(1);
  });

  it("reaches an isolate that did not start it through a background refresh, never awaited on the request path", async () => {
    const t = production();
    // Started elsewhere: the object knows, this isolate's copy is stale (checked at epoch 0).
    const state: CaptureState = { until: Date.now() + 60_000, started_at: Date.now(), by: "admin token", events: null };
    await debugLog(testEnv).setCapture(state);
    captureChanged(null, 0);
    const first = `evt_${crypto.randomUUID()}`;
    const second = `evt_${crypto.randomUUID()}`;
    await send(lead(first), { config: t.config });
    await send(lead(second), { config: t.config });
    // The first request only started the refresh; the consumer awaited its own and captured the event's requests.
    expect((await timeline(first, t.config)).debug?.received).toEqual([]);
    expect((await timeline(second, t.config)).debug?.received).toHaveLength(1);
  });

  it("answers a request at once while the capture's object is unreachable", async () => {
    const t = production();
    captureChanged(null, 0);
    const unreachable = new Proxy({}, { get: () => { throw new Error("unreachable"); } });
    const sent: unknown[] = [];
    const queue = { send: async (b: unknown) => void sent.push(b), sendBatch: async (m: Iterable<{ body: unknown }>) => void sent.push(...[...m].map((x) => x.body)) };
    const res = await send(lead(`evt_${crypto.randomUUID()}`), { config: t.config, extraEnv: { DEBUG_LOG: unreachable, DELIVERY_QUEUE: queue }, queue: "real" });
    expect(res.status).toBe(202);
    expect(sent).toHaveLength(1);
    // The consumer too delivers without it (the inspector's log is never a reason to fail a batch).
    const id = `evt_${crypto.randomUUID()}`;
    expect((await send(lead(id), { config: t.config, extraEnv: { DEBUG_LOG: unreachable } })).status).toBe(202);
    expect((await doubleRequests(t.bucket)).some((r) => r.body.includes(id))).toBe(true);
  });
});

describe("P/admin/capture", () => {
  it("needs the operator's access, refuses foreign sites, and names each bad field", async () => {
    const t = production();
    expect((await capture(t.config, { minutes: 5 }, { authorization: "Bearer nope" })).status).toBe(401);
    const foreign = await capture(t.config, { minutes: 5 }, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { details: { message: string }[] }).details[0]!.message).toContain("P/admin/capture");
    expect((await capture(t.config, { minutes: 5 }, { "content-type": "text/plain" })).status).toBe(415);
    const cases: [unknown, string][] = [
      [{ minutes: 0 }, "minutes"],
      [{ minutes: 61 }, "minutes"],
      [{ minutes: "5" }, "minutes"],
      [{ minutes: 1.5 }, "minutes"],
      [{}, "minutes"],
      [{ minutes: 5, events: [] }, "events"],
      [{ minutes: 5, events: "purchase_completed" }, "events"],
      [{ minutes: 5, events: ["ok", 3] }, "events[1]"],
      [{ minutes: 5, extra: 1 }, "extra"],
      [{ stop: "yes" }, "stop"],
      [{ stop: true, minutes: 5 }, "minutes"],
      [[], "body"],
    ];
    for (const [body, path] of cases) {
      const res = await capture(t.config, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { details: { path: string }[] }).details[0]!.path, JSON.stringify(body)).toBe(path);
    }
    const broken = await capture(t.config, "{");
    expect(broken.status).toBe(400);
    // Nothing started by any of them.
    expect(((await (await get("/admin/capture", t.config)).json()) as { capture: { active: boolean } }).capture.active).toBe(false);
  });

  it("is refused when the config forbids it, and says so by key", async () => {
    const t = ledgerConfig((c) => {
      c.debug = false;
      c.capture = { enabled: false };
    });
    const res = await capture(t.config, { minutes: 5 });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "capture_disabled", details: [{ path: "capture.enabled" }] });
  });

  it("warns about event names outside the tracking plan and shows who started it", async () => {
    const t = production();
    const res = await capture(t.config, { minutes: 2, events: ["purchase_completed", "purchse_completed"] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ capture: { active: true, events: ["purchase_completed", "purchse_completed"] }, warnings: [{ path: "events" }] });
    const state = (await (await get("/admin/capture", t.config)).json()) as { capture: { by: string; max_minutes: number } };
    expect(state.capture).toMatchObject({ by: "admin token", max_minutes: 60 });
  });
});

describe("captured entries", () => {
  it("are never answered after their expiry and are deleted by the log's alarm", async () => {
    const log = debugLog(testEnv);
    const id = `evt_${crypto.randomUUID()}`;
    await log.add("received", [{ event_ids: [id], body: "{}", kept_until: new Date(Date.now() + 1).toISOString() }], Date.now() + 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(((await log.list("received", 500)) as { event_ids: string[] }[]).some((e) => e.event_ids.includes(id))).toBe(false);
    const stub = testEnv.DEBUG_LOG.get(testEnv.DEBUG_LOG.idFromName("debug"));
    await runDurableObjectAlarm(stub);
    const left = await runInDurableObject(stub, (_o: DebugLog, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM log WHERE data LIKE ?", `%${id}%`).one().n,
    );
    expect(left).toBe(0);
  });

  it("keep the newest 500 of a kind, trimmed once per hundred inserts rather than on every write", async () => {
    const name = `trim-${crypto.randomUUID()}`;
    const stub = testEnv.DEBUG_LOG.get(testEnv.DEBUG_LOG.idFromName(name));
    const stored = () => runInDurableObject(stub, (_o: DebugLog, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM log").one().n);
    for (let i = 0; i < 12; i++) await stub.add("received", Array.from({ length: 50 }, (_, j) => ({ n: i * 50 + j })));
    // 600 written: within the slack, nothing trimmed yet, and reads still answer only the newest 500.
    expect(await stored()).toBe(600);
    const before = (await stub.list("received", 500)) as { n: number }[];
    expect([before.length, before[0]!.n, before.at(-1)!.n]).toEqual([500, 599, 100]);
    await stub.add("received", Array.from({ length: 50 }, (_, j) => ({ n: 600 + j })));
    // Past the slack: trimmed back to the newest 500 in one go.
    expect(await stored()).toBe(500);
    const newest = (await stub.list("received", 500)) as { n: number }[];
    expect([newest.length, newest[0]!.n, newest.at(-1)!.n]).toEqual([500, 649, 150]);
  });

  it("an ended capture captures nothing, whatever the isolate's copy says", () => {
    const loaded = loadConfig(JSON.stringify({ ...production().config }));
    if (!loaded.ok) throw new Error("config");
    const now = Date.now();
    const s: CaptureState = { until: now, started_at: now - 60_000, by: "x", events: null };
    expect(captures(loaded.config, s, "lead_submitted", now - 1)).toBe(true);
    expect(captures(loaded.config, s, "lead_submitted", now)).toBe(false);
    expect(captures(loaded.config, null, "lead_submitted", now)).toBe(false);
  });
});
