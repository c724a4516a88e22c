/** POST P/admin/erase removes a person from the graph, held copies, dead letters, the debug log, the ledger and the archive. */
import { expect, it } from "vitest";
import { debugLog } from "../../../src/debug/record.ts";
import { deadLetters, type DeadLetter } from "../../../src/delivery/DeadLetters.ts";
import { queueFor } from "../../helpers/queue.ts";
import { signedRequest } from "../../helpers/s2s.ts";
import { BASE, P, bucket, call, configWithHook, doubleRequests, scriptDouble, send, testEnv } from "../../helpers/worker.ts";
import { keys, nodeOf, sessionAt, uid } from "./helpers.ts";

const ADMIN = "admin_test_token_0123456789";

const eraseRequest = (body: unknown, token = ADMIN) =>
  new Request(`${BASE}${P}/admin/erase`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

it("erases a person from every store and answers what went and what cannot be erased", async () => {
  const b = bucket();
  const config = configWithHook(b, (c) => (c.dedupe = { merge_seconds: 30 }));
  const q = queueFor(config, testEnv);
  const o = { config, extraEnv: { DELIVERY_QUEUE: q } };
  const [user, anon, email] = [`user_${uid()}`, `anon_${uid()}`, `erase.${uid()}@example.com`];
  const cookie = { cookie: `tw_id=${anon}; tw_sid=${sessionAt(Date.now())}` };

  await call(await signedRequest({ type: "identify", name: "user_identified", user_id: user, anonymous_id: anon, traits: { email } }), o);
  // The page view's delivery is refused: a dead letter holding the visitor's anonymous id.
  await scriptDouble(b, [{ status: 400, body: '{"error":"bad"}', times: 1 }]);
  await send({ name: "page_viewed", page: { url: "https://shop.example.com/?utm_source=news&utm_campaign=fall" } }, { ...o, headers: cookie });
  // A purchase held for its merge window in a dedupe shard.
  await send({ name: "purchase_completed", event_id: `evt_${uid()}`, properties: { order_id: `ord_${uid()}`, value: 10, currency: "USD" } }, { ...o, headers: cookie });
  expect(((await deadLetters(testEnv).list({ limit: 1000 })) as unknown as DeadLetter[]).some((d) => d.event?.anonymous_id === anon)).toBe(true);
  expect(await nodeOf(await keys.user(user))).not.toBeNull();

  expect((await call(eraseRequest({ user_id: user }, "wrong"))).status).toBe(401);
  const res = await call(eraseRequest({ user_id: user }));
  expect(res.status).toBe(200);
  const answer = (await res.json()) as { erased: Record<string, number>; not_erased: string[] };
  expect(answer.erased.identity_graph).toBe(3);
  expect(answer.erased.dead_letters).toBeGreaterThanOrEqual(1);
  expect(answer.erased.dedupe_holds).toBe(1);
  expect(answer.erased.debug_log).toBeGreaterThanOrEqual(2);
  expect(answer.not_erased.some((l) => l.includes("queue"))).toBe(true);

  // Nothing of the person remains in any store Tagwire keeps.
  for (const k of [await keys.user(user), await keys.anon(anon), await keys.email(email)]) expect(await nodeOf(k)).toBeNull();
  expect(((await deadLetters(testEnv).list({ limit: 1000, replayed: true })) as unknown as DeadLetter[]).some((d) => JSON.stringify(d).includes(anon))).toBe(false);
  const logged = JSON.stringify([...(await debugLog(testEnv).list("event", 500)), ...(await debugLog(testEnv).list("request", 500))]);
  expect(logged).not.toContain(anon);
  expect(logged).not.toContain(user);
  // The held purchase is gone: its merge window ends with nothing to send.
  const before = (await doubleRequests(b)).length;
  await q.run(q.delayed.splice(0).map((d) => d.body));
  expect((await doubleRequests(b)).length).toBe(before);
  // Erasure now also asks every ledger day of the retention and reads the archive: seconds under Miniflare.
}, 30_000);

it("answers 400 naming the field for a bad erase request", async () => {
  for (const [body, path] of [[{}, "body"], [{ email: 5 }, "email"], [{ name: "x" }, "name"], [[1], "body"]] as const) {
    const res = await call(eraseRequest(body));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain(`"path":"${path}"`);
  }
});

it("erases by email a person whose device was linked to the email before the user id", async () => {
  const config = configWithHook(bucket());
  const [user, anon, email] = [`user_${uid()}`, `anon_${uid()}`, `chain.${uid()}@example.com`];
  await call(await signedRequest({ type: "identify", name: "user_identified", anonymous_id: anon, traits: { email } }), { config });
  await call(await signedRequest({ type: "identify", name: "user_identified", user_id: user, traits: { email } }), { config });
  expect((await nodeOf(await keys.user(user)))!.members.sort()).toEqual([await keys.email(email), await keys.anon(anon)].sort());
  const answer = (await (await call(eraseRequest({ email }))).json()) as { erased: Record<string, number> };
  expect(answer.erased.identity_graph).toBe(3);
  for (const k of [await keys.user(user), await keys.anon(anon), await keys.email(email)]) expect(await nodeOf(k)).toBeNull();
});
