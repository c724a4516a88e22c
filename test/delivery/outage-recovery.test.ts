import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it, vi } from "vitest";
import { backlogOf, type Backlog } from "../../src/delivery/Backlog.ts";
import { deadLetters } from "../../src/delivery/DeadLetters.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";
import type { DeliverMessage, QueueMessage } from "../../src/queue/messages.ts";
import { stickyQueue, type StickyQueue } from "../helpers/queue.ts";
import { bucket, configCopy, doubleRequests, scriptDouble, send, testEnv } from "../helpers/worker.ts";

/** A config whose one live webhook has an id of its own, so no other test shares its health or backlog. */
function outageConfig(b: string, patch: Record<string, unknown> = {}) {
  const dest = `o_${crypto.randomUUID().replace(/-/g, "")}`;
  const config = configCopy();
  config.destinations = { [dest]: { type: "webhook", mode: "live", url: `${testEnv.DOUBLE_BASE}/${b}`, secret: "TEST_WEBHOOK_SECRET", ...patch } };
  return { dest, config };
}

/** The BACKLOG namespace, counting every call the consumer makes to an object. */
function countingBacklog() {
  const calls: string[] = [];
  const ns = {
    idFromName: (n: string) => testEnv.BACKLOG.idFromName(n),
    get: (id: DurableObjectId) => {
      const stub = testEnv.BACKLOG.get(id) as unknown as Record<string, (...a: unknown[]) => unknown>;
      return new Proxy({}, { get: (_, method: string) => (...args: unknown[]) => (calls.push(method), stub[method]!(...args)) });
    },
  };
  return { ns, calls };
}

/** Points the object's probes and releases at the test's queue. */
async function sendsTo(dest: string, q: StickyQueue) {
  const stub = backlogOf(testEnv, dest);
  await runInDurableObject(stub, (b: Backlog) => {
    b.queue = q as unknown as Queue<QueueMessage>;
  });
  return stub;
}

const lead = (id: string) => ({ name: "lead_submitted", event_id: id, properties: { lead_id: id } });
const waiting = (q: StickyQueue) => [...q.waiting.values()];
const delivered = async (b: string, from: number) =>
  (await doubleRequests(b)).slice(from).flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).map((e) => e.event_id));

it("parks a down destination's events instead of growing retries, probes it from the alarm, and releases the backlog at once when it answers: each event delivered once", async () => {
  const b = bucket();
  const { dest, config } = outageConfig(b);
  await scriptDouble(b, [{ status: 503, body: '{"error":"down"}', times: 3 }]);
  const { ns, calls } = countingBacklog();
  const q = stickyQueue(config, { ...testEnv, BACKLOG: ns });
  const stub = await sendsTo(dest, q);
  const opts = { config, extraEnv: { DELIVERY_QUEUE: q, BACKLOG: ns } };
  const ids = Array.from({ length: 5 }, () => `evt_${crypto.randomUUID()}`);

  // A first failed round is an ordinary retry: no object call.
  await send({ batch: ids.slice(0, 3).map(lead) }, opts);
  await q.run();
  expect(waiting(q)).toMatchObject([{ delaySeconds: expect.any(Number), body: { kind: "deliver", attempt: 1 } }]);
  expect(calls).toEqual([]);

  // Failing again: down, and the events are parked, not queued with a longer delay.
  await q.run();
  expect(q.waiting.size).toBe(0);
  expect(await stub.state()).toMatchObject({ destination: dest, down: true, parked: 3 });
  expect(calls).toEqual(["park"]);

  // New events while down are parked without being tried: one call for the batch.
  await send({ batch: ids.slice(3).map(lead) }, opts);
  await q.run();
  expect(q.waiting.size).toBe(0);
  expect(await doubleRequests(b)).toHaveLength(2);
  expect(await stub.state()).toMatchObject({ down: true, parked: 5 });
  expect(calls).toEqual(["park", "park"]);

  // The alarm sends one probe; it fails and the event is parked again with one more attempt.
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  const probe = waiting(q);
  expect(probe).toMatchObject([{ delaySeconds: 0, body: { kind: "deliver", probe: true, destinations: [dest], attempt: 2 } }]);
  expect((probe[0]!.body as DeliverMessage).events).toHaveLength(1);
  await q.run();
  expect(q.waiting.size).toBe(0);
  expect(await doubleRequests(b)).toHaveLength(3);
  expect(await stub.state()).toMatchObject({ down: true, parked: 5 });

  // The next probe gets a 200: up, and the other four go to the queue at once, without delay.
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  await q.run();
  expect(await stub.state()).toMatchObject({ down: false, parked: 0 });
  expect(calls.slice(-1)).toEqual(["recovered"]);
  const released = waiting(q);
  expect(released.every((m) => m.delaySeconds === 0 && m.body.v === 2 && m.body.kind === "deliver" && !m.body.probe)).toBe(true);
  expect(released.flatMap((m) => (m.body as DeliverMessage).events.map((e) => e.event_id)).sort()).toHaveLength(4);
  await q.run();
  expect(q.waiting.size).toBe(0);
  expect((await delivered(b, 3)).sort()).toEqual([...ids].sort());

  // Up again: the next batches cost no object call.
  const before = calls.length;
  await send({ batch: [lead(`evt_${crypto.randomUUID()}`)] }, opts);
  await q.run();
  expect(calls).toHaveLength(before);
  expect(await delivered(b, 3)).toHaveLength(6);
});

it("dead-letters as expired an event released after its freshness window ended, without sending it", async () => {
  const b = bucket();
  const { dest, config } = outageConfig(b, { freshness_hours: 1 });
  const q = stickyQueue(config, testEnv);
  const stub = await sendsTo(dest, q);
  const id = `evt_${crypto.randomUUID()}`;
  await send(lead(id), { config, extraEnv: { DELIVERY_QUEUE: q } });
  const [msgId, ingest] = [...q.waiting][0]!;
  q.waiting.delete(msgId);
  const event = { ...(ingest.body as { events: CanonicalEvent[] }).events[0]!, time: new Date(Date.now() - 2 * 3_600_000).toISOString() };

  const now = Date.now();
  expect(await stub.park([{ event, attempt: 2 }], { destination: dest, now, failedSince: now })).toEqual({ parked: true });
  await stub.recovered(Date.now());
  expect(waiting(q)).toMatchObject([{ body: { kind: "deliver", attempt: 2, destinations: [dest] } }]);
  await q.run();

  expect(q.waiting.size).toBe(0);
  expect(await doubleRequests(b)).toHaveLength(0);
  const dead = await deadLetters(testEnv).list({ destination: dest });
  expect(dead).toMatchObject([{ event_id: id, reason: "expired", attempts: 3 }]);
});

it("writes nothing new for a redelivered park, and releases each parked event once with its attempt and replay time, continuing from the alarm past one step", async () => {
  const b = bucket();
  const { dest, config } = outageConfig(b);
  const q = stickyQueue(config, testEnv);
  const stub = await sendsTo(dest, q);
  await send(lead("evt_template"), { config, extraEnv: { DELIVERY_QUEUE: q } });
  const template = (waiting(q)[0]!.body as { events: CanonicalEvent[] }).events[0]!;
  q.waiting.clear();

  const replayedAt = Date.now() - 60_000;
  const entries = Array.from({ length: 501 }, (_, i) => ({
    event: { ...template, event_id: `evt_${i}` },
    attempt: i % 2 ? 3 : 0,
    ...(i === 7 ? { replayed_at: replayedAt } : {}),
  }));
  const now = Date.now();
  await stub.park(entries, { destination: dest, now, failedSince: now });
  await stub.park(entries, { destination: dest, now, failedSince: now });
  expect(await stub.state()).toMatchObject({ down: true, parked: 501 });

  await stub.recovered(Date.now());
  expect(await stub.state()).toMatchObject({ down: false, parked: 1 });
  // The rest goes from the alarm, set to fire at once (it may already have run by itself).
  await runDurableObjectAlarm(stub);
  await vi.waitFor(async () => expect(await stub.state()).toMatchObject({ parked: 0 }));

  const out = waiting(q).map((m) => m.body as DeliverMessage);
  const seen = out.flatMap((m) => m.events.map((e) => ({ id: e.event_id, attempt: m.attempt, replayed_at: m.replayed_at })));
  expect(seen).toHaveLength(501);
  expect(new Set(seen.map((s) => s.id)).size).toBe(501);
  expect(seen.find((s) => s.id === "evt_8")).toEqual({ id: "evt_8", attempt: 0, replayed_at: undefined });
  expect(seen.find((s) => s.id === "evt_9")).toEqual({ id: "evt_9", attempt: 3, replayed_at: undefined });
  expect(seen.find((s) => s.id === "evt_7")).toEqual({ id: "evt_7", attempt: 3, replayed_at: replayedAt });
});

it("is not marked down again by a failure from a round that started before it came back", async () => {
  const { dest } = outageConfig(bucket());
  const stub = backlogOf(testEnv, dest);
  const t0 = Date.now() - 5_000;
  await stub.park([], { destination: dest, now: t0, failedSince: t0 });
  expect(await stub.state()).toMatchObject({ down: true });
  await stub.recovered(t0 + 2_000);
  expect(await stub.park([], { destination: dest, now: t0 + 3_000, failedSince: t0 + 1_000 })).toEqual({ parked: false });
  expect(await stub.state()).toMatchObject({ down: false });
  // A round that started after the recovery is news: down again.
  expect(await stub.park([], { destination: dest, now: t0 + 4_000, failedSince: t0 + 3_000 })).toEqual({ parked: true });
});

it("parks a redelivered batch again without new rows when the consumer died before acking, and still delivers each event once", async () => {
  const b = bucket();
  const { dest, config } = outageConfig(b);
  await scriptDouble(b, [{ status: 503, times: 2 }]);
  const q = stickyQueue(config, testEnv);
  const stub = await sendsTo(dest, q);
  const ids = Array.from({ length: 3 }, () => `evt_${crypto.randomUUID()}`);
  await send({ batch: ids.map(lead) }, { config, extraEnv: { DELIVERY_QUEUE: q } });
  await q.run();

  // The retry fails, its events are parked, and the ack never reaches the queue.
  const [retryId] = [...q.waiting.keys()];
  await q.run([retryId!], { lost: true });
  expect(await stub.state()).toMatchObject({ down: true, parked: 3 });
  expect([...q.waiting.keys()]).toEqual([retryId]);
  await q.run();
  expect(q.waiting.size).toBe(0);
  expect(await stub.state()).toMatchObject({ down: true, parked: 3 });
  expect(await doubleRequests(b)).toHaveLength(2);

  expect(await runDurableObjectAlarm(stub)).toBe(true);
  await q.run();
  await q.run();
  expect(q.waiting.size).toBe(0);
  expect((await delivered(b, 2)).sort()).toEqual([...ids].sort());
});
