import { expect, it } from "vitest";
import { bucket, configWithHook, doubleRequests, purchase, send } from "../helpers/worker.ts";
import { failingQueue } from "../helpers/queue.ts";

it("answers 503 when the queue refuses the event and lets the client's retry through", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const e = purchase({ event_id: `evt_${crypto.randomUUID()}`, properties: { order_id: `ord_${crypto.randomUUID()}`, value: 9 } });
  const failed = await send(e, { config, extraEnv: { DELIVERY_QUEUE: failingQueue } });
  expect(failed.status).toBe(503);
  expect(await failed.json()).toMatchObject({ error: "unavailable" });
  expect(await doubleRequests(b)).toHaveLength(0);

  const retried = await send(e, { config });
  expect(retried.status).toBe(202);
  expect(await doubleRequests(b)).toHaveLength(1);
});
