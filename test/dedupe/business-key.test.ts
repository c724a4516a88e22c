import { expect, it } from "vitest";
import { bucket, call, configWithHook, doubleRequests, purchase, send, testEnv } from "../helpers/worker.ts";
import { queueFor, type InlineQueue } from "../helpers/queue.ts";
import { signedRequest } from "../helpers/s2s.ts";

type Sent = { event_id: string; source: string; value: number; properties: Record<string, unknown>; click_ids: Record<string, string>; context: { ip: string }; merged_from?: { event_id: string }[] };
const sentTo = async (b: string) => (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events as Sent[]);

/** Runs the queued release messages (the end of every merge window). */
async function endWindows(q: InlineQueue) {
  const due = q.delayed.splice(0).map((d) => d.body);
  expect(due.every((m) => "kind" in m && m.kind === "release")).toBe(true);
  await q.run(due);
}

function copies(order: string) {
  const browser = purchase({ event_id: `evt_b_${crypto.randomUUID()}`, properties: { order_id: order, value: 0.01, currency: "USD" } });
  const server = { ...purchase({ event_id: `evt_s_${crypto.randomUUID()}`, properties: { order_id: order, value: 129.99, currency: "USD" } }), page: undefined, traits: { email: "jane@example.com" } };
  return { browser, server };
}

for (const first of ["browser", "server"] as const) {
  it(`merges the browser's and the backend's copies of one purchase (${first} first): the backend's value, the browser's event_id and click ids`, async () => {
    const b = bucket();
    const config = configWithHook(b, (c) => (c.dedupe = { merge_seconds: 30 }));
    const q = queueFor(config, testEnv);
    const { browser, server } = copies(`ord_${crypto.randomUUID()}`);
    const sendBrowser = () => send(browser, { config, extraEnv: { DELIVERY_QUEUE: q } });
    const sendServer = async () => call(await signedRequest(server), { config, extraEnv: { DELIVERY_QUEUE: q } });
    expect((await (first === "browser" ? sendBrowser() : sendServer())).status).toBe(202);
    expect((await (first === "browser" ? sendServer() : sendBrowser())).status).toBe(202);
    // Held for the merge window: nothing went out yet, one release is queued, 30 s out.
    expect(await sentTo(b)).toEqual([]);
    expect(q.delayed.map((d) => d.delaySeconds)).toEqual([30]);
    await endWindows(q);
    const sent = await sentTo(b);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ event_id: browser.event_id, value: 129.99, properties: { value: 129.99 }, click_ids: { gclid: "Cj0KCQjw_test" }, context: { ip: "203.0.113.10" } });
    expect(sent[0]!.merged_from!.map((m) => m.event_id).sort()).toEqual([browser.event_id, server.event_id].sort());
  });
}

it("sends a copy alone when no other copy came within the merge window", async () => {
  const b = bucket();
  const config = configWithHook(b, (c) => (c.dedupe = { merge_seconds: 10 }));
  const q = queueFor(config, testEnv);
  const { browser } = copies(`ord_${crypto.randomUUID()}`);
  await send(browser, { config, extraEnv: { DELIVERY_QUEUE: q } });
  await endWindows(q);
  expect((await sentTo(b)).map((e) => e.event_id)).toEqual([browser.event_id]);
});

it("never lets an unsigned copy with a guessed order_id suppress the backend's signed purchase", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const { browser: fake, server } = copies(`ord_${crypto.randomUUID()}`);
  expect((await send(fake, { config })).status).toBe(202);
  expect((await call(await signedRequest(server), { config })).status).toBe(202);
  expect((await sentTo(b)).map((e) => [e.event_id, e.value])).toEqual([
    [fake.event_id, 0.01],
    [server.event_id, 129.99],
  ]);
  // The signed copy now owns the key: a later unsigned copy is a duplicate.
  await send({ ...fake, event_id: `evt_${crypto.randomUUID()}` }, { config });
  expect(await sentTo(b)).toHaveLength(2);
});

it("never lets an unsigned copy that took the backend's event_id suppress the signed event", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const id = `ord_as_event_id_${crypto.randomUUID()}`;
  const fake = { name: "lead_submitted", event_id: id, properties: { lead_id: "fake" } };
  const real = { name: "lead_submitted", event_id: id, properties: { lead_id: "real" } };
  const conv = configWithHook(b, (c) => (c.plan.events.lead_submitted.conversion = true));
  await send(fake, { config: conv });
  await call(await signedRequest(real), { config: conv });
  expect((await sentTo(b)).map((e) => [e.event_id, e.properties.lead_id, e.source])).toEqual([
    [id, "fake", "browser"],
    [id, "real", "server"],
  ]);
  void config;
});

it("refuses an unsigned copy once the signed one went out, and a second signed copy too", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const { browser, server } = copies(`ord_${crypto.randomUUID()}`);
  await call(await signedRequest(server), { config });
  await send(browser, { config });
  await call(await signedRequest({ ...server, event_id: `evt_s2_${crypto.randomUUID()}` }), { config });
  expect((await sentTo(b)).map((e) => e.event_id)).toEqual([server.event_id]);
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
