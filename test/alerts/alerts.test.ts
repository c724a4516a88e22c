/**
 * Alerts: the Cron Trigger's scheduled handler judges each destination from the ledger and its Backlog health,
 * POSTs a Slack-compatible message to the webhook named by alerts.webhook_secret (here the test double), at
 * most once per window per condition, and the inspector shows the state.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { backlogOf } from "../../src/delivery/Backlog.ts";
import type { Env } from "../../src/env.ts";
import { queueFor } from "../helpers/queue.ts";
import { bucket, doubleRequests, purchase, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import { get, ledgerConfig } from "../ledger/helpers.ts";

const MIN = 60_000;
const DAY = 86_400_000;

/** A config with one live webhook destination on its own bucket, alerts on, posting to another bucket. */
function setup(alerts: Record<string, unknown> = {}) {
  const t = ledgerConfig();
  const hook = bucket();
  t.config.alerts = { webhook_secret: "TEST_ALERTS_WEBHOOK", window_minutes: 60, min_events: 2, baseline_days: 1, min_usual: 3, ...alerts };
  const env = { ...testEnv, TAGWIRE_CONFIG: t.config, TEST_ALERTS_WEBHOOK: `${testEnv.DOUBLE_BASE}/${hook}` } as unknown as Env;
  const q = queueFor(t.config, testEnv);
  return {
    ...t,
    hook,
    async sendEvents(n: number) {
      for (let i = 0; i < n; i++) {
        await send(purchase({ event_id: `evt_${crypto.randomUUID()}`, time: new Date().toISOString(), properties: { order_id: `ord_${crypto.randomUUID()}`, value: 10, currency: "USD" } }), {
          config: t.config,
          extraEnv: { DELIVERY_QUEUE: q },
        });
      }
    },
    async cron(at: number) {
      const ctx = createExecutionContext();
      await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env, ctx);
      await waitOnExecutionContext(ctx);
    },
    /** The messages POSTed to the alerts webhook so far, parsed. */
    async messages(): Promise<{ text: string; blocks: unknown[] }[]> {
      return (await doubleRequests(hook)).map((r) => JSON.parse(r.body));
    },
  };
}

type State = { alerts: { destination: string; condition: string; firing: boolean; summary: string }[]; last_run: number | null; last_error: string | null; webhook: boolean };
async function state(config: unknown): Promise<State> {
  const res = await get("/inspector/alerts", config);
  expect(res.status).toBe(200);
  return res.json();
}
const firing = (s: State, destination: string) => s.alerts.filter((a) => a.destination === destination && a.firing).map((a) => a.condition).sort();

describe("alerts on the Cron Trigger", () => {
  it("sends nothing while every destination delivers", async () => {
    const t = setup();
    await t.sendEvents(3);
    await t.cron(Date.now() + 1000);
    expect(await t.messages()).toEqual([]);
    const s = await state(t.config);
    expect(firing(s, t.live)).toEqual([]);
    expect(s.alerts.filter((a) => a.destination === t.live).map((a) => a.condition).sort()).toEqual(["auth", "dead_letter_rate", "down", "failure_rate", "traffic_drop"]);
    expect(s.last_run).not.toBeNull();
  });

  it("alerts when a destination's deliveries fail beyond the threshold (503s being retried)", async () => {
    const t = setup();
    await scriptDouble(t.bucket, [{ status: 503, times: 10 }]);
    await t.sendEvents(3);
    await t.cron(Date.now() + 1000);
    const msgs = await t.messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.text).toContain(`*${t.live}* is failing deliveries: 100% of deliveries failing (3 of 3 retrying or dead)`);
    expect(msgs[0]!.blocks.length).toBeGreaterThan(1);
    expect(firing(await state(t.config), t.live)).toEqual(["failure_rate"]);
  });

  it("alerts on dead letters beyond the threshold (a vendor refusing events with 400)", async () => {
    const t = setup({ failure_rate: 1 });
    await scriptDouble(t.bucket, [{ status: 400, body: '{"error":"bad event"}', times: 10 }]);
    await t.sendEvents(3);
    await t.cron(Date.now() + 1000);
    const msgs = await t.messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.text).toContain(`*${t.live}* is dead-lettering deliveries: 100% of deliveries dead-lettered (3 of 3)`);
    expect(firing(await state(t.config), t.live)).toEqual(["dead_letter_rate"]);
  });

  it("alerts on an auth failure, even a single one below the rate thresholds", async () => {
    const t = setup({ failure_rate: 1, dead_letter_rate: 1 });
    await scriptDouble(t.bucket, [{ status: 401, body: '{"error":"invalid token"}', times: 1 }]);
    await t.sendEvents(3);
    await t.cron(Date.now() + 1000);
    const msgs = await t.messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.text).toContain(`*${t.live}* refuses our credentials: 1 delivery refused for authentication`);
    expect(firing(await state(t.config), t.live)).toEqual(["auth"]);
  });

  it("alerts when traffic drops to nothing against the same window the day before, and not when it is usual", async () => {
    const t = setup();
    await t.sendEvents(4);
    const now = Date.now() + 1000;
    await t.cron(now);
    expect(await t.messages()).toEqual([]);
    // A day later, nothing arrived in the same hour: the usual level (4 per window) became 0.
    await t.cron(now + DAY);
    const msgs = await t.messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.text).toContain(`*${t.live}* gets far fewer events than usual: 0 events in the last 60 min, usually 4`);
    expect(firing(await state(t.config), t.live)).toEqual(["traffic_drop"]);
  });

  it("judges no traffic drop below min_usual (a quiet destination is not an outage)", async () => {
    const t = setup({ min_usual: 10 });
    await t.sendEvents(2);
    await t.cron(Date.now() + DAY);
    expect(await t.messages()).toEqual([]);
  });

  it("alerts while a destination is down (its Backlog parks events)", async () => {
    const t = setup();
    const now = Date.now();
    await backlogOf(testEnv, t.live).park([], { destination: t.live, now, failedSince: now });
    await t.cron(now + 1000);
    const msgs = await t.messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.text).toContain(`*${t.live}* is down: down since ${new Date(now).toISOString()}`);
    await backlogOf(testEnv, t.live).recovered(now + 2000);
  });

  it("notifies a condition at most once per window, again after the window, and once when it clears", async () => {
    const t = setup();
    const now = Date.now();
    await backlogOf(testEnv, t.live).park([], { destination: t.live, now, failedSince: now });
    await t.cron(now);
    await t.cron(now + 5 * MIN);
    await t.cron(now + 30 * MIN);
    expect(await t.messages()).toHaveLength(1);
    await t.cron(now + 61 * MIN);
    expect(await t.messages()).toHaveLength(2);
    await backlogOf(testEnv, t.live).recovered(now + 62 * MIN);
    await t.cron(now + 65 * MIN);
    await t.cron(now + 70 * MIN);
    const msgs = await t.messages();
    expect(msgs).toHaveLength(3);
    expect(msgs[2]!.text).toContain(`*${t.live}* resolved (down`);
    expect(firing(await state(t.config), t.live)).toEqual([]);
  });

  it("retries a notice on the next run when the webhook failed, and shows why on the inspector", async () => {
    const t = setup();
    await scriptDouble(t.hook, [{ status: 500, times: 1 }]);
    const now = Date.now();
    await backlogOf(testEnv, t.live).park([], { destination: t.live, now, failedSince: now });
    await t.cron(now);
    const res = await get("/inspector/alerts", t.config);
    expect(((await res.json()) as { last_error: string }).last_error).toBe("the alerts webhook answered 500");
    await t.cron(now + 5 * MIN);
    expect(await t.messages()).toHaveLength(2);
    await backlogOf(testEnv, t.live).recovered(now + 6 * MIN);
  });

  it("keeps the state without a webhook configured, and the inspector endpoint needs the admin token", async () => {
    const t = setup({ webhook_secret: undefined });
    const now = Date.now();
    await backlogOf(testEnv, t.live).park([], { destination: t.live, now, failedSince: now });
    await t.cron(now);
    expect(await t.messages()).toEqual([]);
    const s = await state(t.config);
    expect(s.webhook).toBe(false);
    expect(firing(s, t.live)).toEqual(["down"]);
    expect((await get("/inspector/alerts", t.config, {})).status).toBe(401);
    await backlogOf(testEnv, t.live).recovered(now + 1000);
  });

  it("logs no error and shows no last error without a webhook: that is a documented setup, not a failure", async () => {
    const t = setup({ webhook_secret: undefined });
    const now = Date.now();
    await backlogOf(testEnv, t.live).park([], { destination: t.live, now, failedSince: now });
    const errors = vi.spyOn(console, "error");
    try {
      await t.cron(now);
      await t.cron(now + 5 * MIN);
      expect(errors.mock.calls.filter((c) => String(c[0]).includes("alerts"))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
    const s = await state(t.config);
    expect(s.last_error).toBeNull();
    expect(s.webhook).toBe(false);
    await backlogOf(testEnv, t.live).recovered(now + 6 * MIN);
  });

  it("says a rate was not judged under min_events instead of reporting 100% as not firing", async () => {
    const t = setup({ min_events: 10 });
    await scriptDouble(t.bucket, [{ status: 400, body: '{"error":"bad event"}', times: 10 }]);
    await t.sendEvents(3);
    await t.cron(Date.now() + 1000);
    const s = await state(t.config);
    const dead = s.alerts.find((a) => a.destination === t.live && a.condition === "dead_letter_rate")!;
    expect(dead.firing).toBe(false);
    expect(dead.summary).toMatch(/^not judged: 3 deliveries, under min_events = 10; 100% of deliveries dead-lettered \(3 of 3\)/);
    expect(s.alerts.find((a) => a.destination === t.live && a.condition === "failure_rate")!.summary).toContain("not judged: 3 deliveries, under min_events = 10");
  });

  it("tells to check the destination's secret only when there were auth failures", async () => {
    const t = setup();
    await t.sendEvents(2);
    await t.cron(Date.now() + 1000);
    const auth = (await state(t.config)).alerts.find((a) => a.destination === t.live && a.condition === "auth")!;
    expect(auth.firing).toBe(false);
    expect(auth.summary).not.toContain("check the destination's secret");
    expect(auth.summary).toBe("no delivery refused for authentication in the last 60 min");
  });
});
