/**
 * A stand-in for the delivery queue binding that runs the Worker's own queue() handler inline on every
 * message sent without a delay, and keeps delayed ones (retries) for the test to inspect or run. Lets a test
 * with its own config see deliveries as soon as the request settles; the real queue is exercised by the
 * tests in test/dedupe that go through the deployed bindings.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import worker from "../../src/index.ts";
import type { DeliveryMessage } from "../../src/delivery/message.ts";
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
