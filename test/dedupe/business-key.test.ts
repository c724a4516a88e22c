import { expect, it } from "vitest";
import { bucket, call, configWithHook, doubleRequests, purchase, send } from "../helpers/worker.ts";
import { signedRequest } from "../helpers/s2s.ts";

it("makes the browser's purchase and the backend's copy with the same order_id one event, the first one", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const order = `ord_${crypto.randomUUID()}`;
  const browser = purchase({ event_id: `evt_b_${crypto.randomUUID()}`, properties: { order_id: order, value: 50, currency: "USD" } });
  const server = { ...browser, event_id: `evt_s_${crypto.randomUUID()}`, traits: { email: "jane@example.com" } };

  const first = await send(browser, { config });
  expect(first.status).toBe(202);
  const second = await call(await signedRequest(server), { config });
  expect(second.status).toBe(202);
  expect(await second.json()).toMatchObject({ accepted: 1, deduped: [server.event_id] });

  const sent = (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events as { event_id: string }[]);
  expect(sent.map((e) => e.event_id)).toEqual([browser.event_id]);
});

it("still forwards a purchase with another order_id from the same backend", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const one = purchase({ event_id: `evt_${crypto.randomUUID()}`, properties: { order_id: `ord_${crypto.randomUUID()}`, value: 5 } });
  const two = purchase({ event_id: `evt_${crypto.randomUUID()}`, properties: { order_id: `ord_${crypto.randomUUID()}`, value: 5 } });
  expect((await call(await signedRequest(one), { config })).status).toBe(202);
  expect((await call(await signedRequest(two), { config })).status).toBe(202);
  expect((await doubleRequests(b)).length).toBe(2);
});
