import { expect, it } from "vitest";
import { bucket, configWithHook, doubleRequests, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import { drainRetries, queueFor } from "../helpers/queue.ts";
import type { DeliverMessage } from "../../src/queue/messages.ts";

it("retries a failed webhook request through the queue as the same group, under the same Idempotency-Key", async () => {
  const b = bucket();
  const config = configWithHook(b);
  await scriptDouble(b, [{ status: 503, times: 1 }]);
  const q = queueFor(config, testEnv);
  const batch = [0, 1].map((i) => ({ name: "lead_submitted", event_id: `evt_${i}_${crypto.randomUUID()}`, properties: { lead_id: `l${i}` } }));
  expect((await send({ batch }, { config, extraEnv: { DELIVERY_QUEUE: q } })).status).toBe(202);
  // One retry message for the webhook, carrying each event's request group.
  expect(q.delayed).toHaveLength(1);
  const retry = q.delayed[0]!.body as DeliverMessage;
  expect(retry).toMatchObject({ kind: "deliver", destinations: ["hook"], attempt: 1 });
  expect(Object.keys(retry.progress ?? {}).sort()).toEqual(batch.map((e) => e.event_id).sort());
  await drainRetries(q);
  const reqs = await doubleRequests(b);
  expect(reqs).toHaveLength(2);
  expect(reqs[1]!.headers["idempotency-key"]).toBe(reqs[0]!.headers["idempotency-key"]);
  expect((JSON.parse(reqs[1]!.body).events as { event_id: string }[]).map((e) => e.event_id).sort()).toEqual(batch.map((e) => e.event_id).sort());
});
