/**
 * Counts from the ledger add up: per destination, accepted = delivered + not_sent + dead + pending, and
 * every accepted event is there once, under retries, redelivered batches, merges and a consumer that dies
 * mid-batch.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { backlogOf, type Backlog } from "../../src/delivery/Backlog.ts";
import type { QueueMessage } from "../../src/queue/messages.ts";
import type { Env } from "../../src/env.ts";
import { drainRetries, queueFor, stickyQueue } from "../helpers/queue.ts";
import { signedRequest } from "../helpers/s2s.ts";
import { call, doubleRequests, purchase, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import { get, identity, ledgerConfig, todayCounts } from "./helpers.ts";

const lead = () => ({ name: "lead_submitted", event_id: `evt_${crypto.randomUUID()}`, properties: { lead_id: `l_${crypto.randomUUID()}` } });

it("counts an event answered 503, 503, 200 as one accepted, pending while retrying, then one delivered", async () => {
  const t = ledgerConfig();
  await scriptDouble(t.bucket, [{ status: 503, body: '{"error":"down"}', times: 2 }]);
  const q = queueFor(t.config, testEnv);
  expect((await send(lead(), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } })).status).toBe(202);

  let day = await todayCounts(t.config);
  expect(identity(day, t.live)).toMatchObject({ accepted: 1, delivered: 0, pending: { retrying: 1 }, unrecorded: 0 });
  expect(identity(day, t.dry)).toMatchObject({ accepted: 1, not_sent: { dry_run: 1 } });
  expect(identity(day, t.only)).toMatchObject({ accepted: 1, not_sent: { rule_skipped: 1 } });

  // The first retry fails again: the destination is down and the event is parked (src/delivery/Backlog.ts).
  expect(await drainRetries(q)).toBe(1);
  day = await todayCounts(t.config);
  expect(identity(day, t.live)).toMatchObject({ accepted: 1, delivered: 0, pending: { retrying: 1 }, unrecorded: 0 });
  // The backlog's probe (its alarm) gets the 200: delivered once.
  const backlog = backlogOf(testEnv, t.live);
  await runInDurableObject(backlog, (b: Backlog) => {
    b.queue = q as unknown as Queue<QueueMessage>;
  });
  expect(await runDurableObjectAlarm(backlog)).toBe(true);
  day = await todayCounts(t.config);
  expect(identity(day, t.live)).toEqual({ accepted: 1, delivered: 1, not_sent: {}, dead: {}, pending: {}, unrecorded: 0 });
  expect(day.events.lead_submitted!.destinations[t.live]!.accepted).toBe(1);
});

it("counts a batch redelivered after its ack was lost once", async () => {
  const t = ledgerConfig();
  const q = stickyQueue(t.config, testEnv);
  await send(lead(), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
  const [id] = [...q.waiting.keys()];
  await q.run([id!], { lost: true });
  await q.run([id!]);
  expect(q.waiting.size).toBe(0);
  // The vendor saw it twice (at-least-once, same event_id); the ledger counts one event.
  expect(await doubleRequests(t.bucket)).toHaveLength(2);
  const day = await todayCounts(t.config);
  for (const d of t.all) expect(identity(day, d).accepted).toBe(1);
  expect(identity(day, t.live).delivered).toBe(1);
});

it("counts merged copies once: held (pending) during the window, one delivered after it, the copy as merged", async () => {
  const t = ledgerConfig((c) => (c.dedupe = { merge_seconds: 30 }));
  const q = stickyQueue(t.config, testEnv);
  const order = `ord_${crypto.randomUUID()}`;
  const before = (await todayCounts(t.config)).events.purchase_completed?.copies ?? { merged: 0, held: 0, admitted: 0 };
  const copy = (n: number) => purchase({ event_id: `evt_${crypto.randomUUID()}`, time: new Date().toISOString(), properties: { order_id: order, value: 42 + n, currency: "USD" } });
  await send(copy(0), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
  await send(copy(1), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
  await q.run();

  let day = await todayCounts(t.config);
  expect(identity(day, t.live)).toMatchObject({ accepted: 1, delivered: 0, pending: { held: 1 } });
  let copies = day.events.purchase_completed!.copies;
  expect((copies.held ?? 0) - (before.held ?? 0)).toBe(1);
  expect((copies.merged ?? 0) - (before.merged ?? 0)).toBe(1);

  await q.run(); // the release message
  day = await todayCounts(t.config);
  for (const d of t.all) expect(identity(day, d).accepted).toBe(1);
  expect(identity(day, t.live)).toMatchObject({ accepted: 1, delivered: 1, pending: {} });
  copies = day.events.purchase_completed!.copies;
  expect((copies.admitted ?? 0) - (before.admitted ?? 0)).toBe(1);
  expect((copies.merged ?? 0) - (before.merged ?? 0)).toBe(1);
});

for (const first of ["browser", "server"] as const) {
  it(`counts a purchase once when the backend's copy merges with the browser's (${first} first), though it goes out under the browser's event_id`, async () => {
    const t = ledgerConfig((c) => (c.dedupe = { merge_seconds: 30 }));
    const q = stickyQueue(t.config, testEnv);
    const order = `ord_${crypto.randomUUID()}`;
    const time = new Date().toISOString();
    const browser = purchase({ event_id: `evt_b_${crypto.randomUUID()}`, time, properties: { order_id: order, value: 0.01, currency: "USD" } });
    const server = { ...purchase({ event_id: `evt_s_${crypto.randomUUID()}`, time, properties: { order_id: order, value: 129.99, currency: "USD" } }), page: undefined };
    const sendBrowser = () => send(browser, { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
    const sendServer = async () => call(await signedRequest(server), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
    const ingests = () => [...q.waiting].filter(([, m]) => (m.body as { kind?: string }).kind === "ingest").map(([id]) => id);
    await (first === "browser" ? sendBrowser() : sendServer());
    await (first === "browser" ? sendServer() : sendBrowser());
    await q.run(ingests());
    expect(identity(await todayCounts(t.config), t.live)).toMatchObject({ accepted: 1, pending: { held: 1 } });
    await q.run(); // the release
    expect(q.waiting.size).toBe(0);
    const day = await todayCounts(t.config);
    for (const d of t.all) expect(identity(day, d)).toMatchObject({ accepted: 1, pending: {} });
    expect(identity(day, t.live).delivered).toBe(1);
    const [sent] = (await doubleRequests(t.bucket)).flatMap((r) => JSON.parse(r.body).events as { event_id: string }[]);
    expect(sent!.event_id).toBe(browser.event_id);
  });
}

it("counts exactly when the consumer dies mid-batch, after delivering and before the ledger write", async () => {
  const t = ledgerConfig();
  const q = stickyQueue(t.config, testEnv);
  await send(lead(), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
  const [id] = [...q.waiting.keys()];
  // The ledger is unreachable for this run: the consumer must not ack work the ledger never saw.
  const broken = { idFromName: (n: string) => testEnv.LEDGER.idFromName(n), get: () => ({ record: () => Promise.reject(new Error("ledger down")) }) };
  const dying = stickyQueue(t.config, { ...testEnv, LEDGER: broken } as unknown as Env);
  dying.waiting.set(id!, q.waiting.get(id!)!);
  await dying.run([id!]);
  expect(dying.waiting.has(id!)).toBe(true);
  expect((await todayCounts(t.config)).destinations[t.live]).toBeUndefined();

  await q.run([id!]);
  expect(q.waiting.size).toBe(0);
  const day = await todayCounts(t.config);
  for (const d of t.all) expect(identity(day, d).accepted).toBe(1);
  expect(identity(day, t.live).delivered).toBe(1);
});

it("counts an event dead-lettered after a 400 as dead, and a bot as not sent with its reason", async () => {
  const t = ledgerConfig();
  await scriptDouble(t.bucket, [{ status: 400, body: '{"error":"bad payload"}', times: 1 }]);
  const q = queueFor(t.config, testEnv);
  await send(lead(), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
  await send(lead(), { config: t.config, extraEnv: { DELIVERY_QUEUE: q }, headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36" } });
  const day = await todayCounts(t.config);
  expect(identity(day, t.live)).toMatchObject({ accepted: 2, delivered: 0, dead: { dead_lettered: 1 }, not_sent: { bot: 1 } });
});

it("answers 400 naming the field for a bad day range", async () => {
  const t = ledgerConfig();
  for (const [q, path] of [["since=monday", "since"], ["until=2026-13-45", "until"], ["since=2026-06-10&until=2026-06-01", "since"], ["since=2026-01-01&until=2026-06-01", "since"]] as const) {
    const res = await get(`/admin/counts?${q}`, t.config);
    expect(res.status, q).toBe(400);
    expect(JSON.stringify(await res.json())).toContain(`"path":"${path}"`);
  }
});
