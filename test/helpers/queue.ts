/**
 * A stand-in for the delivery queue binding that runs the Worker's own queue() handler inline on every
 * message sent without a delay, and keeps delayed ones (retries) for the test to inspect or run. Lets a test
 * with its own config see deliveries as soon as the request settles; the real queue is exercised by the
 * tests in test/dedupe that go through the deployed bindings.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import worker from "../../src/index.ts";
import type { QueueMessage as DeliveryMessage } from "../../src/queue/messages.ts";
import type { Env } from "../../src/env.ts";

export const QUEUE_NAME = "tagwire-dev-delivery";

export interface InlineQueue {
  send(body: DeliveryMessage, o?: QueueSendOptions): Promise<void>;
  sendBatch(msgs: Iterable<MessageSendRequest<DeliveryMessage>>): Promise<void>;
  /** Messages sent with a delay (retries), in order. */
  delayed: { body: DeliveryMessage; delaySeconds: number }[];
  /** Every message sent, delayed or not. */
  sent: DeliveryMessage[];
  /** Runs the queue handler on these messages now; returns the queue result. */
  run(msgs: DeliveryMessage[], attempts?: number): ReturnType<typeof getQueueResult>;
}

let seq = 0;

/** `envOf` returns the env the consumer runs with (the same one the fetch handler got). */
export function inlineQueue(envOf: () => Env): InlineQueue {
  const q: InlineQueue = {
    delayed: [],
    sent: [],
    async send(body, o) {
      await q.sendBatch([{ body, ...(o?.delaySeconds ? { delaySeconds: o.delaySeconds } : {}) }]);
    },
    async sendBatch(msgs) {
      const now: DeliveryMessage[] = [];
      for (const m of msgs) {
        q.sent.push(m.body);
        if (m.delaySeconds) q.delayed.push({ body: m.body, delaySeconds: m.delaySeconds });
        else now.push(m.body);
      }
      if (now.length) await q.run(now);
    },
    async run(list, attempts = 1) {
      const batch = createMessageBatch<DeliveryMessage>(
        QUEUE_NAME,
        list.map((body) => ({ id: `m${++seq}`, timestamp: Date.now(), attempts, body })),
      );
      const ctx = createExecutionContext();
      await worker.queue(batch, envOf(), ctx);
      return getQueueResult(batch, ctx);
    },
  };
  return q;
}

/** A queue binding that refuses every message, as a queue outage would. */
export const failingQueue = {
  send: () => Promise.reject(new Error("queue unavailable")),
  sendBatch: () => Promise.reject(new Error("queue unavailable")),
};

/** An inline queue whose consumer runs with `config`; pass it as extraEnv.DELIVERY_QUEUE. */
export function queueFor(config: unknown, base: Record<string, unknown>): InlineQueue {
  const q: InlineQueue = inlineQueue(() => ({ ...base, TAGWIRE_CONFIG: config, DELIVERY_QUEUE: q }) as unknown as Env);
  return q;
}

/** Runs the queued retries one round at a time until none is left or `rounds` ran; returns rounds run. */
export async function drainRetries(q: InlineQueue, rounds = 20): Promise<number> {
  let n = 0;
  while (q.delayed.length && n < rounds) {
    const due = q.delayed.splice(0).map((d) => d.body);
    await q.run(due);
    n++;
  }
  return n;
}

/**
 * A queue that keeps each message and its id until the consumer acks it, as Cloudflare Queues do across
 * redeliveries. Nothing runs by itself: `run` hands chosen messages to the Worker's queue() handler, and
 * `lost: true` plays a consumer that died after its work but before the ack reached the queue.
 */
export interface StickyQueue {
  send(body: DeliveryMessage, o?: QueueSendOptions): Promise<void>;
  sendBatch(msgs: Iterable<MessageSendRequest<DeliveryMessage>>): Promise<void>;
  waiting: Map<string, { body: DeliveryMessage; delaySeconds: number; attempts: number }>;
  run(ids?: string[], o?: { lost?: boolean }): Promise<void>;
}

export function stickyQueue(config: unknown, base: Record<string, unknown>): StickyQueue {
  const q: StickyQueue = {
    waiting: new Map(),
    async send(body, o) {
      await q.sendBatch([{ body, ...(o?.delaySeconds ? { delaySeconds: o.delaySeconds } : {}) }]);
    },
    async sendBatch(msgs) {
      for (const m of msgs) q.waiting.set(`s${++seq}`, { body: m.body, delaySeconds: m.delaySeconds ?? 0, attempts: 0 });
    },
    async run(ids = [...q.waiting.keys()], o = {}) {
      const picked = ids.map((id) => [id, q.waiting.get(id)!] as const);
      for (const [, m] of picked) m.attempts++;
      const batch = createMessageBatch<DeliveryMessage>(
        QUEUE_NAME,
        picked.map(([id, m]) => ({ id, timestamp: Date.now(), attempts: m.attempts, body: m.body })),
      );
      const ctx = createExecutionContext();
      const env = { ...base, TAGWIRE_CONFIG: config, DELIVERY_QUEUE: q } as unknown as Env;
      await worker.queue(batch, env, ctx);
      const result = await getQueueResult(batch, ctx);
      if (o.lost) return;
      const acked = new Set(result.explicitAcks);
      if (result.ackAll) for (const [id] of picked) acked.add(id);
      if (result.retryBatch.retry) acked.clear();
      for (const id of result.retryMessages.map((r) => r.msgId)) acked.delete(id);
      for (const id of acked) q.waiting.delete(id);
    },
  };
  return q;
}
