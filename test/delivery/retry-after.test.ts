import { expect, it } from "vitest";
import { bucket, configWithHook, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import { queueFor } from "../helpers/queue.ts";

it("waits as long as a 429's Retry-After asks before trying that destination again", async () => {
  const b = bucket();
  const config = configWithHook(b);
  await scriptDouble(b, [{ status: 429, headers: { "retry-after": "120" }, times: 1 }]);
  const q = queueFor(config, testEnv);
  await send({ name: "lead_submitted", event_id: `evt_${crypto.randomUUID()}`, properties: { lead_id: "l1" } }, { config, extraEnv: { DELIVERY_QUEUE: q } });
  expect(q.delayed).toHaveLength(1);
  expect(q.delayed[0]!.delaySeconds).toBe(120);
  expect(q.delayed[0]!.body).toMatchObject({ destinations: ["hook"], attempt: 1 });
});
