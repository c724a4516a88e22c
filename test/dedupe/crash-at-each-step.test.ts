/**
 * A crash at each step between the beacon and the destination, on a queue that keeps message ids across
 * redeliveries: the event reaches the destination once (or, when the consumer dies after the vendor answered
 * but before the ack, again with the same event_id and Idempotency-Key, which the receiver dedupes on).
 */
import { expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { admit, shardStub } from "../../src/dedupe/admit.ts";
import type { IngestMessage, ReleaseMessage } from "../../src/queue/messages.ts";
import { bucket, configWithHook, doubleRequests, purchase, send, testEnv } from "../helpers/worker.ts";
import { failingQueue, stickyQueue } from "../helpers/queue.ts";

const ids = async (b: string) => (await doubleRequests(b)).flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).map((e) => e.event_id));
const order = () => purchase({ event_id: `evt_${crypto.randomUUID()}`, properties: { order_id: `ord_${crypto.randomUUID()}`, value: 42, currency: "USD" } });

function setup(mergeSeconds = 0) {
  const b = bucket();
  const config = configWithHook(b, (c) => (c.dedupe = { merge_seconds: mergeSeconds }));
  const q = stickyQueue(config, testEnv);
  const post = (e: unknown) => send(e, { config, extraEnv: { DELIVERY_QUEUE: q } });
  return { b, config, q, post };
}

const onlyId = (q: { waiting: Map<string, unknown> }) => {
  expect(q.waiting.size).toBe(1);
  return [...q.waiting.keys()][0]!;
};

it("delivers once when the Worker dies before queuing: 503, and the client's retry goes through", async () => {
  const { b, config, q, post } = setup();
  const e = order();
  expect((await send(e, { config, extraEnv: { DELIVERY_QUEUE: failingQueue } })).status).toBe(503);
  expect((await post(e)).status).toBe(202);
  await q.run();
  expect(await ids(b)).toEqual([e.event_id]);
});

it("delivers once when the Worker dies after queuing, before answering, and the client sends the event again", async () => {
  const { b, q, post } = setup();
  const e = order();
  await post(e);
  await post(e);
  expect(q.waiting.size).toBe(2);
  await q.run();
  expect(await ids(b)).toEqual([e.event_id]);
  expect(q.waiting.size).toBe(0);
});

it("delivers once when the consumer dies after claiming, before delivering", async () => {
  const { b, config, q, post } = setup();
  const e = order();
  await post(e);
  const m = onlyId(q);
  // The consumer's first step, then death: the claim is made, nothing is delivered, nothing is acked.
  const decided = await admit(Config.parse(config), testEnv, [q.waiting.get(m)!.body as IngestMessage], Date.now());
  expect(decided.map((d) => d.decision.kind)).toEqual(["admitted"]);
  expect(await ids(b)).toEqual([]);
  await q.run([m]);
  expect(await ids(b)).toEqual([e.event_id]);
  expect(q.waiting.size).toBe(0);
});

it("delivers once when the consumer dies after queuing a held copy's release, before the ack", async () => {
  const { b, q, post } = setup(30);
  const e = order();
  await post(e);
  const m = onlyId(q);
  await q.run([m], { lost: true });
  await q.run([m]);
  // Two release messages for one hold (one from each run of the ingest message).
  const releases = [...q.waiting].filter(([, w]) => (w.body as ReleaseMessage).kind === "release").map(([id]) => id);
  expect(releases).toHaveLength(2);
  await q.run(releases);
  expect(await ids(b)).toEqual([e.event_id]);
});

it("delivers once when the consumer dies after taking a held copy, before delivering it", async () => {
  const { b, q, post } = setup(30);
  const e = order();
  await post(e);
  await q.run([onlyId(q)]);
  const r = onlyId(q);
  const release = q.waiting.get(r)!.body as ReleaseMessage;
  // Taken, then death before delivery: the redelivered release message (same id) still gets the event.
  const taken = (await shardStub(testEnv, release.shard).take(release.token, r)) as unknown as { event: { event_id: string } } | null;
  expect(taken?.event.event_id).toBe(e.event_id);
  expect(await ids(b)).toEqual([]);
  await q.run([r]);
  expect(await ids(b)).toEqual([e.event_id]);
});

it("re-sends with the same event_id and Idempotency-Key when the consumer dies after delivering, before the ack", async () => {
  const { b, q, post } = setup();
  const e = order();
  await post(e);
  const m = onlyId(q);
  await q.run([m], { lost: true });
  await q.run([m]);
  const reqs = await doubleRequests(b);
  expect(await ids(b)).toEqual([e.event_id, e.event_id]);
  expect(reqs[0]!.headers["idempotency-key"]).toBe(reqs[1]!.headers["idempotency-key"]);
  expect(q.waiting.size).toBe(0);
});
