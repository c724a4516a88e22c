/** The scenarios, end to end: browser and signed server events through the Worker and its consumer. */
import { expect, it } from "vitest";
import { queueFor } from "../../helpers/queue.ts";
import { signedRequest } from "../../helpers/s2s.ts";
import { bucket, call, configWithHook, send, testEnv } from "../../helpers/worker.ts";
import { DAY, keys, nodeOf, rootOf, sessionAt, setup, uid } from "./helpers.ts";

it("links two devices that signed in with one verified email into one person", async () => {
  const t = setup();
  const [a, b, email] = [`anon_${uid()}`, `anon_${uid()}`, `jane.${uid()}@example.com`];
  for (const anon of [a, b]) {
    expect((await t.server({ type: "identify", name: "user_identified", anonymous_id: anon, traits: { email } })).status).toBe(202);
  }
  const person = await keys.email(email);
  expect(await rootOf(await keys.anon(a))).toBe(person);
  expect(await rootOf(await keys.anon(b))).toBe(person);
  expect((await nodeOf(person))!.members.sort()).toEqual([await keys.anon(a), await keys.anon(b)].sort());
});

it("does not merge a second browser that typed the same email without verification", async () => {
  const t = setup();
  const [a, c, email] = [`anon_${uid()}`, `anon_${uid()}`, `jane.${uid()}@example.com`];
  await t.server({ type: "identify", name: "user_identified", anonymous_id: a, traits: { email } });
  const now = Date.now();
  await t.browser(c, sessionAt(now), { type: "identify", name: "user_identified", traits: { email }, page: { url: "https://shop.example.com/" } });
  const person = await keys.email(email);
  expect(await rootOf(await keys.anon(c))).not.toBe(person);
  expect((await nodeOf(person))!.members).toEqual([await keys.anon(a)]);
});

it("gives a purchase on device B a week later device A's paid first touch and the right time to conversion, and the backend's signed purchase A's gclid and fbc", async () => {
  const t = setup();
  const [a, b, user] = [`anon_${uid()}`, `anon_${uid()}`, `user_${uid()}`];
  const now = Date.now() - 1000;
  const t0 = now - 7 * DAY;
  const gclid = `Cj0KCQ${uid()}`;
  const fbc = `fb.1.${t0}.IwAR${uid()}`;
  // Device A: a paid click lands, then the user signs in (the backend confirms who they are).
  await t.browser(a, sessionAt(t0), {
    name: "page_viewed",
    time: new Date(t0).toISOString(),
    page: { url: `https://shop.example.com/spring?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale&gclid=${gclid}`, referrer: "https://www.google.com/" },
  }, `_fbc=${fbc}`);
  await t.server({ type: "identify", name: "user_identified", time: new Date(t0 + 60_000).toISOString(), user_id: user, anonymous_id: a });
  // Device B, a week later: signed in, then buys (a direct visit: it does not replace the paid last touch).
  await t.server({ type: "identify", name: "user_identified", time: new Date(now - 3_600_000).toISOString(), user_id: user, anonymous_id: b });
  const order = `ord_${uid()}`;
  await t.browser(b, sessionAt(now - 60_000), {
    name: "purchase_completed",
    event_id: `evt_${uid()}`,
    time: new Date(now).toISOString(),
    properties: { order_id: order, value: 50, currency: "USD" },
    page: { url: "https://shop.example.com/checkout/complete" },
  });
  // The backend reports another order of the same user, signed, without any browser id of its own.
  await t.server({ name: "purchase_completed", event_id: `evt_${uid()}`, time: new Date(now).toISOString(), user_id: user, properties: { order_id: `ord_${uid()}`, value: 70, currency: "USD" } });

  const sent = await t.sent();
  const browserBuy = sent.find((e) => e.name === "purchase_completed" && e.source === "browser")!;
  expect(browserBuy.attribution).toMatchObject({
    first_touch: { source: "google", medium: "cpc", campaign: "spring_sale", click_ids: { gclid: { value: gclid, at: t0 } } },
    last_touch: { source: "google", medium: "cpc", campaign: "spring_sale" },
    seconds_from_first_touch: 7 * 86_400,
    seconds_from_first_visit: 7 * 86_400,
  });
  const serverBuy = sent.find((e) => e.name === "purchase_completed" && e.source === "server")!;
  expect(serverBuy.click_ids).toMatchObject({ gclid, fbc });
  expect(serverBuy.attribution?.first_touch?.campaign).toBe("spring_sale");
  // Page views and identifies carry no attribution: only conversions do.
  expect(sent.filter((e) => e.name !== "purchase_completed").every((e) => e.attribution === undefined)).toBe(true);
});

it("links and stores nothing of a visitor who denied analytics", async () => {
  const t = setup();
  const [d, email, user] = [`anon_${uid()}`, `den.${uid()}@example.com`, `user_${uid()}`];
  const denied = { analytics_storage: "denied", ad_storage: "denied" };
  await t.browser(d, sessionAt(Date.now()), { name: "page_viewed", consent: denied, page: { url: "https://shop.example.com/?utm_source=x&gclid=abcdefgh" } });
  await t.server({ type: "identify", name: "user_identified", user_id: user, anonymous_id: d, traits: { email }, consent: denied });
  expect(await nodeOf(await keys.anon(d))).toBeNull();
  expect(await nodeOf(await keys.email(email))).toBeNull();
  expect(await nodeOf(await keys.user(user))).toBeNull();
});

it("leaves one consistent person after 100 simultaneous identifies of one user from 10 devices", async () => {
  const t = setup();
  const [user, email] = [`user_${uid()}`, `many.${uid()}@example.com`];
  const devices = Array.from({ length: 10 }, () => `anon_${uid()}`);
  const answers = await Promise.all(
    Array.from({ length: 100 }, (_, i) => t.server({ type: "identify", name: "user_identified", user_id: user, anonymous_id: devices[i % 10], traits: { email } })),
  );
  expect(answers.every((r) => r.status === 202)).toBe(true);
  const person = await keys.user(user);
  const members = (await nodeOf(person))!.members;
  const expected = [await keys.email(email), ...(await Promise.all(devices.map(keys.anon)))];
  expect([...members].sort()).toEqual([...expected].sort());
  for (const k of expected) expect(await rootOf(k)).toBe(person);
});

it("refuses and counts links past the cap on identifiers per person", async () => {
  const t = setup((c) => (c.identity = { max_links: 3 }));
  const user = `user_${uid()}`;
  const devices = Array.from({ length: 5 }, () => `anon_${uid()}`);
  for (const anon of devices) await t.server({ type: "identify", name: "user_identified", user_id: user, anonymous_id: anon });
  const node = (await nodeOf(await keys.user(user)))!;
  expect(node.members).toHaveLength(3);
  expect(node.refused).toBe(2);
  expect(await rootOf(await keys.anon(devices[4]!))).toBeNull();
});

it("never merges two distinct user ids, even through a shared verified email", async () => {
  const t = setup();
  const [u1, u2, email, anon] = [`user_${uid()}`, `user_${uid()}`, `shared.${uid()}@example.com`, `anon_${uid()}`];
  await t.server({ type: "identify", name: "user_identified", user_id: u1, traits: { email } });
  await t.server({ type: "identify", name: "user_identified", user_id: u2, anonymous_id: anon, traits: { email } });
  expect(await rootOf(await keys.email(email))).toBe(await keys.user(u1));
  expect(await rootOf(await keys.user(u2))).toBe(await keys.user(u2));
  expect((await nodeOf(await keys.user(u2)))!.members).toEqual([await keys.anon(anon)]);
});

it("never gives a server event a made-up anonymous id, session or fbp", async () => {
  const t = setup((c) => (c.destinations.meta = { type: "meta", mode: "dry_run", pixel_id: "1234567890", access_token: "META_TOKEN" }));
  await t.server({ name: "purchase_completed", event_id: `evt_${uid()}`, user_id: `user_${uid()}`, properties: { order_id: `ord_${uid()}`, value: 5, currency: "USD" } });
  const [sent] = await t.sent();
  expect(sent!.source).toBe("server");
  expect(sent!.click_ids).toEqual({});
  expect(sent).toMatchObject({ anonymous_id: null, session_id: null });
});

it("does not link the browser copy of a merged purchase to the backend's user, nor keep its click ids for them", async () => {
  const b = bucket();
  const config = configWithHook(b, (c) => (c.dedupe = { merge_seconds: 30 }));
  const q = queueFor(config, testEnv);
  const o = { config, extraEnv: { DELIVERY_QUEUE: q } };
  const [stranger, user, order] = [`anon_${uid()}`, `user_${uid()}`, `ord_${uid()}`];
  // A stranger's browser sends a purchase with a guessed order id and a click id of their own.
  await send(
    { name: "purchase_completed", event_id: `evt_${uid()}`, properties: { order_id: order, value: 1, currency: "USD" }, page: { url: "https://shop.example.com/?gclid=STRANGERCLICK" } },
    { ...o, headers: { cookie: `tw_id=${stranger}; tw_sid=${sessionAt(Date.now())}` } },
  );
  await call(await signedRequest({ name: "purchase_completed", event_id: `evt_${uid()}`, user_id: user, properties: { order_id: order, value: 99, currency: "USD" } }), o);
  await q.run(q.delayed.splice(0).map((d) => d.body));
  expect(await rootOf(await keys.anon(stranger))).not.toBe(await keys.user(user));
  const person = await nodeOf(await keys.user(user));
  expect(person?.members ?? []).toEqual([]);
  expect(JSON.stringify(person?.state ?? null)).not.toContain("STRANGERCLICK");
});
