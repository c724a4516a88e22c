import { expect, it } from "vitest";
import { BASE, P, bucket, call, configWithHook, doubleRequests, scriptDouble, send, testEnv } from "../helpers/worker.ts";
import { queueFor } from "../helpers/queue.ts";

const TOKEN = "admin_test_token_0123456789";
const admin = (path: string, init: RequestInit = {}) =>
  new Request(`${BASE}${P}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string>) } });

interface Dead {
  event_id: string;
  destination: string;
  reason: string;
  status: number;
  body: string;
  attempts: number;
  event: { event_id: string };
}

it("dead-letters a 400 with the vendor's body, lists it, and a replay delivers it with its original event_id", async () => {
  const b = bucket();
  const config = configWithHook(b, (c) => (c.destinations.hook.url = `${testEnv.DOUBLE_BASE}/${b}/dl`));
  const q = queueFor(config, testEnv);
  const opts = { config, extraEnv: { DELIVERY_QUEUE: q } };
  await scriptDouble(b, [{ status: 400, body: '{"error":"bad field value"}', times: 1 }]);
  const since = new Date().toISOString();
  const id = `evt_${crypto.randomUUID()}`;
  await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l1" } }, opts);
  expect(q.delayed).toHaveLength(0);

  const listed = await call(admin(`/admin/dead-letters?destination=hook&since=${since}`), opts);
  expect(listed.status).toBe(200);
  const dead = ((await listed.json()) as { dead_letters: Dead[] }).dead_letters.filter((d) => d.event_id === id);
  expect(dead).toHaveLength(1);
  expect(dead[0]).toMatchObject({ destination: "hook", reason: "drop", status: 400, attempts: 1, event: { event_id: id } });
  expect(dead[0]!.body).toContain("bad field value");

  const replay = await call(admin("/admin/replay", { method: "POST", body: JSON.stringify({ destination: "hook", since }) }), opts);
  expect(replay.status).toBe(202);
  expect(((await replay.json()) as { event_ids: string[] }).event_ids).toContain(id);

  const ids = (await doubleRequests(b)).flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).map((e) => e.event_id));
  expect(ids).toEqual([id, id]);
  // Replayed entries are no longer pending for replay.
  const after = await call(admin(`/admin/dead-letters?destination=hook&since=${since}`), opts);
  expect(((await after.json()) as { dead_letters: Dead[] }).dead_letters.filter((d) => d.event_id === id)).toHaveLength(0);
});

it("dead-letters a destination's retries once its freshness window has passed", async () => {
  const b = bucket();
  const config = configWithHook(b, (c) => (c.destinations.hook.freshness_hours = 0.001));
  const q = queueFor(config, testEnv);
  const opts = { config, extraEnv: { DELIVERY_QUEUE: q } };
  await scriptDouble(b, [{ status: 503, body: "down", times: 5 }]);
  const id = `evt_${crypto.randomUUID()}`;
  await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l1" } }, opts);
  expect(q.delayed).toHaveLength(0);
  const listed = await call(admin("/admin/dead-letters?destination=hook"), opts);
  const dead = ((await listed.json()) as { dead_letters: Dead[] }).dead_letters.filter((d) => d.event_id === id);
  expect(dead).toMatchObject([{ reason: "expired", status: 503, body: "down" }]);
});

it("refuses the admin endpoints without the bearer token", async () => {
  const res = await call(new Request(`${BASE}${P}/admin/dead-letters`));
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ error: "unauthorized" });
  const wrong = await call(new Request(`${BASE}${P}/admin/replay`, { method: "POST", headers: { authorization: "Bearer nope" } }));
  expect(wrong.status).toBe(401);
});

it("replays an encrypted HubSpot dead letter with the contact's raw email", async () => {
  const b = bucket();
  const config = configWithHook(b, (c) => {
    c.destinations = { crm: { type: "hubspot", token: "HS_TEST_TOKEN", endpoint: `${testEnv.DOUBLE_BASE}/${b}` } };
  });
  const q = queueFor(config, { ...testEnv, HS_TEST_TOKEN: "pat-test-0000" });
  const opts = { config, extraEnv: { DELIVERY_QUEUE: q, HS_TEST_TOKEN: "pat-test-0000" } };
  await scriptDouble(b, [{ status: 400, body: '{"status":"error","message":"Property values were not valid"}', times: 1 }]);
  const since = new Date().toISOString();
  const id = `evt_${crypto.randomUUID()}`;
  await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l1" }, traits: { email: "Jane.Doe@Example.com" } }, opts);
  const listed = ((await (await call(admin(`/admin/dead-letters?destination=crm&since=${since}`), opts)).json()) as { dead_letters: (Dead & { encrypted: boolean })[] }).dead_letters;
  expect(listed.filter((d) => d.event_id === id)).toMatchObject([{ encrypted: true, reason: "drop" }]);

  const replay = await call(admin("/admin/replay", { method: "POST", body: JSON.stringify({ destination: "crm", since }) }), opts);
  expect(((await replay.json()) as { event_ids: string[] }).event_ids).toContain(id);
  const upserts = (await doubleRequests(b)).filter((r) => r.path.endsWith("/contacts/batch/upsert"));
  expect(upserts).toHaveLength(2);
  expect(JSON.parse(upserts[1]!.body).inputs[0].id).toBe("jane.doe@example.com");
});
