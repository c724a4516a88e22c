import { expect, it } from "vitest";
import type { QueueMessage } from "../../src/queue/messages.ts";
import { call, ingestRequest, purchase, send } from "../helpers/worker.ts";
import { signedRequest } from "../helpers/s2s.ts";

/** A queue that records what the request path sent, and how many calls it took. */
function recordingQueue() {
  const calls: QueueMessage[][] = [];
  return {
    calls,
    send: async (body: QueueMessage) => void calls.push([body]),
    sendBatch: async (msgs: Iterable<MessageSendRequest<QueueMessage>>) => void calls.push([...msgs].map((m) => m.body)),
  };
}

/** A Durable Object namespace whose every use throws: proof the request path never touches one. */
const unreachable = new Proxy(
  {},
  {
    get() {
      throw new Error("a Durable Object was reached from the request path");
    },
  },
);
const noObjects = { DEDUPER: unreachable, STATS: unreachable, DEBUG_LOG: unreachable, DEAD_LETTERS: unreachable, RATE_LIMITER: unreachable };

it("answers a browser batch 202 after one queue call, with no Durable Object reachable", async () => {
  const q = recordingQueue();
  const batch = Array.from({ length: 20 }, (_, i) => ({ name: "product_added", event_id: `evt_pack_${i}_${crypto.randomUUID()}`, properties: { product_id: `p${i}`, price: 1 } }));
  const res = await send({ batch }, { extraEnv: { ...noObjects, DELIVERY_QUEUE: q }, queue: "real" });
  expect(res.status).toBe(202);
  expect(await res.json()).toMatchObject({ v: 2, accepted: 20, rejected: [] });
  // One request → one packed message, sent in one call.
  expect(q.calls).toHaveLength(1);
  expect(q.calls[0]).toHaveLength(1);
  expect(q.calls[0]![0]).toMatchObject({ v: 2, kind: "ingest", first: 0 });
  expect((q.calls[0]![0] as { events: unknown[] }).events).toHaveLength(20);
});

it("answers the pixel and a signed server request without any Durable Object, the server's message marked signed", async () => {
  const q = recordingQueue();
  const env = { extraEnv: { ...noObjects, DELIVERY_QUEUE: q }, queue: "real" as const };
  const gif = await call(new Request("https://t.shop.example.com/k7q/p.gif?n=lead_submitted&p.lead_id=l1", { headers: { "cf-connecting-ip": "203.0.113.5" } }), env);
  expect(gif.status).toBe(200);
  const s2s = await call(await signedRequest(purchase({ event_id: `evt_${crypto.randomUUID()}` })), env);
  expect(s2s.status).toBe(202);
  expect(q.calls.map((c) => c.map((m) => ("kind" in m ? m.kind : "?")))).toEqual([["ingest"], ["ingest"]]);
  expect((q.calls[1]![0] as { signed?: { source: string } }).signed).toMatchObject({ source: "backend" });
});

it("splits a request larger than one message into several, sent in one sendBatch, numbered as one request", async () => {
  const q = recordingQueue();
  const big = "x".repeat(400);
  const batch = Array.from({ length: 100 }, (_, i) => ({ name: "product_added", event_id: `evt_big_${i}_${crypto.randomUUID()}`, properties: { product_id: `p${i}`, note: big } }));
  const req = ingestRequest({ batch });
  const res = await call(req, { extraEnv: { ...noObjects, DELIVERY_QUEUE: q }, queue: "real" });
  expect(res.status).toBe(202);
  expect(q.calls).toHaveLength(1);
  const msgs = q.calls[0] as { owner: string; first: number; events: unknown[] }[];
  expect(msgs.length).toBeGreaterThan(1);
  expect(new Set(msgs.map((m) => m.owner)).size).toBe(1);
  expect(msgs.map((m) => m.first)).toEqual(msgs.map((_, i) => msgs.slice(0, i).reduce((n, m) => n + m.events.length, 0)));
  expect(msgs.reduce((n, m) => n + m.events.length, 0)).toBe(100);
  for (const m of msgs) expect(JSON.stringify(m).length).toBeLessThan(128 * 1024);
});
