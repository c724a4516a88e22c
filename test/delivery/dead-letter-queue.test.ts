import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { expect, it } from "vitest";
import worker from "../../src/index.ts";
import { deadLetters, type DeadLetter } from "../../src/delivery/DeadLetters.ts";
import type { QueueMessage as DeliveryMessage } from "../../src/queue/messages.ts";
import { testEnv } from "../helpers/worker.ts";

it("turns messages the consumer failed on repeatedly (the -dlq queue) into dead letters, one per destination", async () => {
  const id = `evt_${crypto.randomUUID()}`;
  const body = { v: 1, event: { event_id: id, name: "lead_submitted" }, destinations: ["hook", "recorded"], attempt: 2 } as unknown as DeliveryMessage;
  const batch = createMessageBatch<DeliveryMessage>("tagwire-dev-delivery-dlq", [{ id: "m1", timestamp: Date.now(), attempts: 10, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv, ctx);
  expect((await getQueueResult(batch, ctx)).ackAll).toBe(true);
  const dead = ((await deadLetters(testEnv).list({ limit: 1000 })) as unknown as DeadLetter[]).filter((d) => d.event_id === id);
  expect(dead.map((d) => [d.destination, d.reason, d.attempts])).toEqual([
    ["hook", "consumer", 12],
    ["recorded", "consumer", 12],
  ]);
});
