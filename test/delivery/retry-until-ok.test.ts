import { expect, it } from "vitest";
import { bucket, configWithHook, doubleRequests, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import { drainRetries, queueFor } from "../helpers/queue.ts";

const K = 3;

it("retries only the destination that answered 503 until it answers 200, and sends once to each other one", async () => {
  const flaky = bucket();
  const steady = bucket();
  const config = configWithHook(flaky, (c) => {
    c.destinations.steady = { type: "webhook", mode: "live", url: `${testEnv.DOUBLE_BASE}/${steady}`, secret: "TEST_WEBHOOK_SECRET" };
  });
  await scriptDouble(flaky, [{ status: 503, body: '{"error":"down"}', times: K }]);
  const q = queueFor(config, testEnv);
  const id = `evt_${crypto.randomUUID()}`;
  const res = await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l1" } }, { config, extraEnv: { DELIVERY_QUEUE: q } });
  expect(res.status).toBe(202);

  expect(q.delayed).toHaveLength(1);
  expect(q.delayed[0]!.body).toMatchObject({ kind: "deliver", destinations: ["hook"] });
  const rounds = await drainRetries(q);
  expect(rounds).toBe(K);

  const ids = async (b: string) => (await doubleRequests(b)).flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).map((e) => e.event_id));
  expect(await ids(flaky)).toEqual(Array(K + 1).fill(id));
  expect(await ids(steady)).toEqual([id]);
  // The last attempt succeeded: nothing left to retry and no dead letter.
  expect(q.delayed).toHaveLength(0);
});

it("backs off exponentially between attempts", async () => {
  const flaky = bucket();
  const config = configWithHook(flaky);
  await scriptDouble(flaky, [{ status: 500, times: 4 }]);
  const q = queueFor(config, testEnv);
  await send({ name: "lead_submitted", event_id: `evt_${crypto.randomUUID()}`, properties: { lead_id: "l1" } }, { config, extraEnv: { DELIVERY_QUEUE: q } });
  const delays: number[] = [];
  for (let i = 0; i < 4 && q.delayed.length; i++) {
    const d = q.delayed.splice(0);
    delays.push(d[0]!.delaySeconds);
    await q.run(d.map((x) => x.body));
  }
  expect(delays).toHaveLength(4);
  // Equal jitter: attempt n waits between 10·2ⁿ/2 and 10·2ⁿ seconds.
  delays.forEach((s, n) => {
    expect(s).toBeGreaterThanOrEqual((10 * 2 ** n) / 2);
    expect(s).toBeLessThanOrEqual(10 * 2 ** n);
  });
});
