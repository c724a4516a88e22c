/**
 * Messages the delivery consumer failed on repeatedly reach the -dlq queue; its consumer makes them dead
 * letters and writes the same event × destination pairs to the ledger as dead_lettered, so the inspector says
 * so and the counts still add up (accepted = delivered + not_sent + dead + pending). Reruns of a DLQ batch
 * (redelivered, or retried after the ledger failed) store and count nothing twice.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { expect, it } from "vitest";
import worker from "../../src/index.ts";
import { deadLetters, type DeadLetter } from "../../src/delivery/DeadLetters.ts";
import type { Env } from "../../src/env.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";
import { deliverMessage, type QueueMessage, type ReleaseMessage } from "../../src/queue/messages.ts";
import { shardStub } from "../../src/dedupe/admit.ts";
import { stickyQueue, type StickyQueue } from "../helpers/queue.ts";
import { purchase, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import type { DayCounts, DestinationCounts } from "../../src/ledger/counts.ts";
import { get, identity, ledgerConfig, todayCounts } from "./helpers.ts";

type Listed = { event_id: string; state: string; info: { dedupe: string }; outcomes: { destination: string; reason: string; detail: string; attempt: number }[] };

const lead = () => ({ name: "lead_submitted", event_id: `evt_${crypto.randomUUID()}`, properties: { lead_id: `l_${crypto.randomUUID()}` } });

const envWith = (config: unknown, extra: Record<string, unknown> = {}) => ({ ...testEnv, TAGWIRE_CONFIG: config, ...extra }) as unknown as Env;

/** Runs the Worker's queue handler on the dead-letter queue with these messages (ids fixed, as the queue keeps them). */
async function runDlq(env: Env, messages: { id: string; body: QueueMessage }[]) {
  const batch = createMessageBatch<QueueMessage>(
    "tagwire-dev-delivery-dlq",
    messages.map((m) => ({ id: m.id, timestamp: Date.now(), attempts: 1, body: m.body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Sends one event through the ingest route onto a queue that holds its messages; returns the queue and the ingest message. */
async function accepted(config: unknown, body: unknown): Promise<{ q: StickyQueue; id: string; ingest: QueueMessage }> {
  const q = stickyQueue(config, testEnv);
  expect((await send(body, { config, extraEnv: { DELIVERY_QUEUE: q } })).status).toBe(202);
  const [first] = [...q.waiting];
  return { q, id: first![0], ingest: first![1].body };
}

const eventsOf = (m: QueueMessage): CanonicalEvent[] => ("events" in m ? m.events : []);

async function inspect(config: unknown, eventId: string): Promise<Listed> {
  const res = await get(`/inspector/events?q=${encodeURIComponent(eventId)}`, config);
  expect(res.status).toBe(200);
  const [e] = ((await res.json()) as { events: Listed[] }).events.filter((x) => x.event_id === eventId);
  expect(e, `no ledger row for ${eventId}`).toBeDefined();
  return e!;
}

/** One destination's counts without `unrecorded` (copies are counted per event name, across every test's config). */
function countsAt(day: DayCounts, destination: string): Omit<DestinationCounts, "unrecorded"> {
  const { unrecorded: _unrecorded, ...rest } = identity(day, destination);
  return rest;
}

const reasonsOf = (e: Listed) => Object.fromEntries(e.outcomes.map((o) => [o.destination, o.reason]));

async function deadAt(config: unknown, destination: string, eventId: string): Promise<DeadLetter[]> {
  return ((await deadLetters(envWith(config)).list({ destination, limit: 1000 })) as unknown as DeadLetter[]).filter((d) => d.event_id === eventId);
}

it("records an ingest message's events, never deduped, as accepted and dead_lettered at every destination, once however often the batch runs", async () => {
  const t = ledgerConfig();
  const admittedBefore = (await todayCounts(t.config)).events.lead_submitted?.copies.admitted ?? 0;
  const { ingest } = await accepted(t.config, lead());
  const [event] = eventsOf(ingest);
  const env = envWith(t.config);

  for (let run = 0; run < 2; run++) expect((await runDlq(env, [{ id: "dlq-ingest-1", body: ingest }])).ackAll).toBe(true);

  const e = await inspect(t.config, event!.event_id);
  expect(e.state).toBe("admitted");
  expect(e.info.dedupe).toContain("dead-letter queue");
  expect(reasonsOf(e)).toEqual({ [t.live]: "dead_lettered", [t.dry]: "dead_lettered", [t.only]: "dead_lettered" });
  for (const o of e.outcomes) expect(o.detail).toMatch(/delivery consumer itself failed on this message/);

  const day = await todayCounts(t.config);
  for (const d of t.all) expect(countsAt(day, d)).toEqual({ accepted: 1, delivered: 0, not_sent: {}, dead: { dead_lettered: 1 }, pending: {} });
  expect(day.events.lead_submitted!.copies.admitted).toBe(admittedBefore + 1);
  for (const d of t.all) expect(await deadAt(t.config, d, event!.event_id)).toHaveLength(1);
});

it("turns an event retrying after a 503 into dead_lettered when its retry message reaches the dead-letter queue", async () => {
  const t = ledgerConfig();
  await scriptDouble(t.bucket, [{ status: 503, body: '{"error":"down"}', times: 5 }]);
  const { q, id, ingest } = await accepted(t.config, lead());
  const [event] = eventsOf(ingest);
  await q.run([id]);
  const [retry] = [...q.waiting.values()];
  expect(retry!.delaySeconds).toBeGreaterThan(0);
  expect(identity(await todayCounts(t.config), t.live)).toMatchObject({ accepted: 1, pending: { retrying: 1 } });

  expect((await runDlq(envWith(t.config), [{ id: "dlq-retry-1", body: retry!.body }])).ackAll).toBe(true);

  const e = await inspect(t.config, event!.event_id);
  expect(reasonsOf(e)).toEqual({ [t.live]: "dead_lettered", [t.dry]: "dry_run", [t.only]: "rule_skipped" });
  expect(e.outcomes.find((o) => o.destination === t.live)!.detail).toMatch(/delivery consumer itself failed/);
  const day = await todayCounts(t.config);
  expect(countsAt(day, t.live)).toEqual({ accepted: 1, delivered: 0, not_sent: {}, dead: { dead_lettered: 1 }, pending: {} });
  expect(identity(day, t.dry)).toMatchObject({ accepted: 1, not_sent: { dry_run: 1 } });
});

it("never turns a delivered event back: a dead-letter-queue message for it leaves the ledger at delivered", async () => {
  const t = ledgerConfig();
  const { q, id, ingest } = await accepted(t.config, lead());
  await q.run([id]);
  const events = eventsOf(ingest);
  expect(identity(await todayCounts(t.config), t.live)).toMatchObject({ accepted: 1, delivered: 1 });

  const stale = deliverMessage(events, t.live, 1, undefined, new Map());
  expect((await runDlq(envWith(t.config), [{ id: "dlq-delivered-1", body: stale }])).ackAll).toBe(true);

  expect(reasonsOf(await inspect(t.config, events[0]!.event_id))[t.live]).toBe("delivered");
  expect(countsAt(await todayCounts(t.config), t.live)).toEqual({ accepted: 1, delivered: 1, not_sent: {}, dead: {}, pending: {} });
});

it("turns a held copy whose release message reaches the dead-letter queue from held into dead_lettered at every destination", async () => {
  const t = ledgerConfig((c) => (c.dedupe = { merge_seconds: 30 }));
  const order = `ord_${crypto.randomUUID()}`;
  const { q, id, ingest } = await accepted(t.config, purchase({ event_id: `evt_${crypto.randomUUID()}`, time: new Date().toISOString(), properties: { order_id: order, value: 42, currency: "USD" } }));
  await q.run([id]);
  const [release] = [...q.waiting.values()];
  expect((release!.body as { kind?: string }).kind).toBe("release");
  const [event] = eventsOf(ingest);
  expect(identity(await todayCounts(t.config), t.live)).toMatchObject({ accepted: 1, pending: { held: 1 } });

  for (let run = 0; run < 2; run++) expect((await runDlq(envWith(t.config), [{ id: "dlq-release-1", body: release!.body }])).ackAll).toBe(true);

  const e = await inspect(t.config, event!.event_id);
  expect(e.state).toBe("admitted");
  expect(reasonsOf(e)).toEqual({ [t.live]: "dead_lettered", [t.dry]: "dead_lettered", [t.only]: "dead_lettered" });
  for (const o of e.outcomes) expect(o.detail).toMatch(/failed on this held copy's release/);
  const day = await todayCounts(t.config);
  for (const d of t.all) expect(countsAt(day, d)).toEqual({ accepted: 1, delivered: 0, not_sent: {}, dead: { dead_lettered: 1 }, pending: {} });
  for (const d of t.all) expect(await deadAt(t.config, d, event!.event_id)).toHaveLength(1);
});

it("keeps the batch in the queue when the ledger cannot be written, and the rerun stores one dead letter per event × destination", async () => {
  const t = ledgerConfig();
  const { ingest } = await accepted(t.config, lead());
  const [event] = eventsOf(ingest);
  const broken = { idFromName: (n: string) => testEnv.LEDGER.idFromName(n), get: () => ({ record: () => Promise.reject(new Error("ledger down")) }) };

  const failed = await runDlq(envWith(t.config, { LEDGER: broken }), [{ id: "dlq-ledger-down-1", body: ingest }]);
  expect(failed.ackAll).toBe(false);
  expect(failed.retryBatch.retry).toBe(true);
  expect((await todayCounts(t.config)).destinations[t.live]).toBeUndefined();

  expect((await runDlq(envWith(t.config), [{ id: "dlq-ledger-down-1", body: ingest }])).ackAll).toBe(true);
  for (const d of t.all) expect(await deadAt(t.config, d, event!.event_id)).toHaveLength(1);
  const day = await todayCounts(t.config);
  for (const d of t.all) expect(countsAt(day, d)).toEqual({ accepted: 1, delivered: 0, not_sent: {}, dead: { dead_lettered: 1 }, pending: {} });
});

it("with ledger.events = conversions, records a purchase's dead letter from a retry message and nothing for a page view", async () => {
  const t = ledgerConfig((c) => (c.ledger = { events: "conversions" }));
  await scriptDouble(t.bucket, [{ status: 503, body: '{"error":"down"}', times: 5 }]);
  const tag = crypto.randomUUID();
  const buy = await accepted(t.config, purchase({ event_id: `evt_buy_${tag}`, time: new Date().toISOString(), properties: { order_id: `ord_${tag}`, value: 10, currency: "USD" } }));
  await buy.q.run([buy.id]);
  const [retry] = [...buy.q.waiting.values()];
  const view = await accepted(t.config, { name: "page_viewed", event_id: `evt_pv_${tag}`, page: { url: `https://shop.example.com/${tag}` } });

  const result = await runDlq(envWith(t.config), [
    { id: "dlq-conv-retry", body: retry!.body },
    { id: "dlq-conv-view", body: view.ingest },
  ]);
  expect(result.ackAll).toBe(true);

  const day = await todayCounts(t.config);
  expect(countsAt(day, t.live)).toEqual({ accepted: 1, delivered: 0, not_sent: {}, dead: { dead_lettered: 1 }, pending: {} });
  expect(day.events.page_viewed).toBeUndefined();
});

it("acks a batch with a malformed event (stored as a dead letter, left out of the ledger) and records the others", async () => {
  const t = ledgerConfig();
  const { ingest } = await accepted(t.config, lead());
  const [event] = eventsOf(ingest);
  const junk = `evt_junk_${crypto.randomUUID()}`;
  const malformed = { v: 1, event: { event_id: junk, name: "lead_submitted" }, destinations: [t.live], attempt: 2 } as unknown as QueueMessage;

  const result = await runDlq(envWith(t.config), [
    { id: "dlq-junk-1", body: malformed },
    { id: "dlq-junk-2", body: ingest },
  ]);
  expect(result.ackAll).toBe(true);
  expect(await deadAt(t.config, t.live, junk)).toHaveLength(1);
  expect(reasonsOf(await inspect(t.config, event!.event_id))[t.live]).toBe("dead_lettered");
  expect(countsAt(await todayCounts(t.config), t.live)).toEqual({ accepted: 1, delivered: 0, not_sent: {}, dead: { dead_lettered: 1 }, pending: {} });
});

it("dead-letters a held copy the delivery consumer took under another message id (the dead-letter queue may not keep ids)", async () => {
  const t = ledgerConfig((c) => (c.dedupe = { merge_seconds: 30 }));
  const { q, id, ingest } = await accepted(t.config, purchase({ event_id: `evt_${crypto.randomUUID()}`, time: new Date().toISOString(), properties: { order_id: `ord_${crypto.randomUUID()}`, value: 42, currency: "USD" } }));
  await q.run([id]);
  const [release] = [...q.waiting.values()];
  const body = release!.body as ReleaseMessage;
  // The delivery consumer took the hold, then failed on every try: its message id was "main-1".
  expect(await shardStub(envWith(t.config), body.shard).take(body.token, "main-1")).not.toBeNull();
  expect((await runDlq(envWith(t.config), [{ id: "dlq-other-id", body }])).ackAll).toBe(true);
  const [event] = eventsOf(ingest);
  for (const d of t.all) expect(await deadAt(t.config, d, event!.event_id)).toHaveLength(1);
  expect(reasonsOf(await inspect(t.config, event!.event_id))).toEqual({ [t.live]: "dead_lettered", [t.dry]: "dead_lettered", [t.only]: "dead_lettered" });
});

it("keeps the batch in the dead-letter queue while the config is invalid, instead of acking events it has no destinations for", async () => {
  const t = ledgerConfig();
  const { ingest } = await accepted(t.config, lead());
  const result = await runDlq(envWith({ prefix: 42 }), [{ id: "dlq-broken-config", body: ingest }]);
  expect(result.ackAll).toBe(false);
  expect(result.retryBatch.retry).toBe(true);
  const [event] = eventsOf(ingest);
  for (const d of t.all) expect(await deadAt(t.config, d, event!.event_id)).toHaveLength(0);
});
