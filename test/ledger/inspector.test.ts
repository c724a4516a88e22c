/**
 * The inspector: its page, its filters and search, an event's timeline with each destination's reason, and
 * who may read it (the admin token, or a Cloudflare Access JWT whose signature verifies, not just any header).
 */
import { describe, expect, it } from "vitest";
import { queueFor } from "../helpers/queue.ts";
import { BASE, call, cookie, P, purchase, send, testEnv } from "../helpers/worker.ts";
import { scriptDouble, bucket } from "../helpers/worker.ts";
import { ADMIN, get, ledgerConfig } from "./helpers.ts";
import { signedRequest } from "../helpers/s2s.ts";

const HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36";

type Listed = { event_id: string; name: string; state: string; info: { bot: string | null }; outcomes: { destination: string; reason: string; detail: string; status: number }[] };

async function events(config: unknown, query: string, headers = ADMIN): Promise<Listed[]> {
  const res = await get(`/inspector/events?${query}`, config, headers);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { events: Listed[] }).events;
}

describe("the inspector page", () => {
  it("is one static HTML page under the prefix, with no event data in it and a strict CSP", async () => {
    const res = await call(new Request(`${BASE}${P}/inspector`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain("<title>Tagwire inspector</title>");
    expect(html).toContain('const P="/k7q"');
    for (const field of ['name="q"', 'name="name"', 'name="destination"', 'name="outcome"', 'name="source"']) expect(html).toContain(field);
    // debug = true in the test config: the page sends test events through the SDK (test/inspector/page.test.ts).
    expect(html).toContain('data-demo="purchase"');
  });
});

describe("the inspector's data", () => {
  it("lists recent events newest first, filters by outcome, destination, name and source, and searches by ids", async () => {
    const t = ledgerConfig();
    const q = queueFor(t.config, testEnv);
    const o = { config: t.config, extraEnv: { DELIVERY_QUEUE: q } };
    const order = `ord_${crypto.randomUUID()}`;
    const first = await send(purchase({ event_id: `evt_${crypto.randomUUID()}`, time: new Date().toISOString(), properties: { order_id: order, value: 10, currency: "USD" } }), o);
    const anon = decodeURIComponent(cookie(first, "tw_id")!.split(";")[0]!.split("=")[1]!);
    const botId = `evt_${crypto.randomUUID()}`;
    await send({ name: "lead_submitted", event_id: botId, properties: { lead_id: "l1" } }, { ...o, headers: { "user-agent": HEADLESS } });

    const mine = (list: Listed[]) => list.filter((e) => e.outcomes.some((x) => x.destination === t.live));
    const all = mine(await events(t.config, `destination=${t.live}`));
    expect(all.map((e) => e.name)).toEqual(["lead_submitted", "purchase_completed"]);

    const bots = mine(await events(t.config, `destination=${t.live}&outcome=bot`));
    expect(bots.map((e) => e.event_id)).toEqual([botId]);
    expect(bots[0]!.info.bot).toBe("headless user agent");
    expect(mine(await events(t.config, `destination=${t.live}&outcome=delivered&name=purchase_completed&source=browser`))).toHaveLength(1);
    expect(mine(await events(t.config, `destination=${t.live}&outcome=dead`))).toHaveLength(0);

    expect((await events(t.config, `q=${order}`)).map((e) => e.name)).toEqual(["purchase_completed"]);
    expect((await events(t.config, `q=${botId}`)).map((e) => e.event_id)).toEqual([botId]);
    expect((await events(t.config, `q=${encodeURIComponent(anon)}`)).map((e) => e.name)).toContain("purchase_completed");
  });

  it("opens an event into its timeline: enrichment, consent, dedupe, and each destination's outcome and reason", async () => {
    const t = ledgerConfig();
    const q = queueFor(t.config, testEnv);
    const id = `evt_${crypto.randomUUID()}`;
    await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l2" } }, { config: t.config, extraEnv: { DELIVERY_QUEUE: q }, headers: { "user-agent": HEADLESS } });
    const res = await get(`/inspector/event?id=${id}`, t.config);
    expect(res.status).toBe(200);
    const b = (await res.json()) as { copies: { state: string; info: { bot: string; consent: unknown; geo: string; dedupe: string } }[]; outcomes: { destination: string; reason: string; detail: string }[]; debug?: { events: unknown[] } };
    expect(b.copies[0]).toMatchObject({ state: "admitted", info: { bot: "headless user agent", geo: "US/CA", dedupe: "first copy" } });
    const why = Object.fromEntries(b.outcomes.map((o) => [o.destination, `${o.reason}: ${o.detail}`]));
    expect(why[t.live]).toBe(`bot: headless user agent (allowed with destinations.${t.live}.forward_bots = true)`);
    expect(why[t.only]).toBe("bot: headless user agent (allowed with destinations." + t.only + ".forward_bots = true)");
    expect(b.debug?.events).toHaveLength(1);

    expect((await get(`/inspector/event?id=evt_nope`, t.config)).status).toBe(404);
    expect((await get(`/inspector/event`, t.config)).status).toBe(400);
  });

  it("answers 400 naming the field for a bad filter", async () => {
    const res = await get("/inspector/events?outcome=lost", testEnv.TAGWIRE_CONFIG);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('"path":"outcome"');
    expect((await get("/inspector/events?destination=nope", testEnv.TAGWIRE_CONFIG)).status).toBe(400);
    expect((await get("/inspector/events?limit=0", testEnv.TAGWIRE_CONFIG)).status).toBe(400);
  });
});

describe("access to the inspector's data", () => {
  const b64 = (x: ArrayBuffer | string) => {
    const bytes = typeof x === "string" ? new TextEncoder().encode(x) : new Uint8Array(x);
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const ISS = "https://team.cloudflareaccess.com";
  const AUD = "aud-tag-0123";

  async function setup() {
    const keys = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const other = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const jwk = { ...((await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey), kid: "k1", alg: "RS256" };
    const b = bucket();
    await scriptDouble(b, [{ status: 200, body: JSON.stringify({ keys: [jwk], public_cert: {}, public_certs: [] }) }]);
    const t = ledgerConfig((c) => (c.admin = { access: { certs_url: `${testEnv.DOUBLE_BASE}/${b}/cdn-cgi/access/certs`, audience: AUD, issuer: ISS } }));
    const sign = async (claims: Record<string, unknown>, key = keys.privateKey, kid = "k1") => {
      const h = b64(JSON.stringify({ alg: "RS256", kid, typ: "JWT" }));
      const p = b64(JSON.stringify(claims));
      return `${h}.${p}.${b64(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(`${h}.${p}`)))}`;
    };
    const good = { aud: [AUD], iss: ISS, email: "ops@shop.example.com", exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) };
    return { t, sign, good, other };
  }

  it("accepts a Cloudflare Access JWT signed by the team's key, from the header or the CF_Authorization cookie", async () => {
    const { t, sign, good } = await setup();
    const jwt = await sign(good);
    expect((await get("/inspector/events", t.config, { "cf-access-jwt-assertion": jwt })).status).toBe(200);
    expect((await get("/admin/counts", t.config, { cookie: `CF_Authorization=${jwt}` })).status).toBe(200);
  });

  it("refuses a JWT that is merely present: forged, for another application, expired, or from an unknown key", async () => {
    const { t, sign, good, other } = await setup();
    const cases: [string, string][] = [
      ["no credentials", ""],
      ["garbage", "not.a.jwt"],
      ["another key", await sign(good, other.privateKey)],
      ["an unknown kid", await sign(good, other.privateKey, "k9")],
      ["wrong audience", await sign({ ...good, aud: ["someone-else"] })],
      ["wrong issuer", await sign({ ...good, iss: "https://evil.cloudflareaccess.com" })],
      ["expired", await sign({ ...good, exp: Math.floor(Date.now() / 1000) - 10 })],
    ];
    for (const [what, jwt] of cases) {
      const res = await get("/inspector/events", t.config, jwt ? { "cf-access-jwt-assertion": jwt } : {});
      expect(res.status, what).toBe(401);
    }
    // A tampered payload keeps the signature of the original.
    const [h, , s] = (await sign(good)).split(".");
    const tampered = `${h}.${btoa(JSON.stringify({ ...good, email: "x@evil.example" })).replace(/=+$/, "")}.${s}`;
    expect((await get("/inspector/events", t.config, { "cf-access-jwt-assertion": tampered })).status).toBe(401);
  });

  it("accepts the admin bearer token and refuses a wrong one", async () => {
    const t = ledgerConfig();
    expect((await get("/inspector/events", t.config)).status).toBe(200);
    expect((await get("/inspector/events", t.config, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await get("/admin/counts", t.config, {})).status).toBe(401);
  });
});

describe("a copy that went nowhere on its own", () => {
  it("names the event it was merged into, whose timeline holds the destinations", async () => {
    const t = ledgerConfig((c) => (c.dedupe = { merge_seconds: 30 }));
    const order = `ord_${crypto.randomUUID()}`;
    const browser = `evt_${crypto.randomUUID()}`;
    const server = `evt_${crypto.randomUUID()}`;
    const props = { order_id: order, value: 20, currency: "USD" };
    expect((await send(purchase({ event_id: browser, time: new Date().toISOString(), properties: props }), { config: t.config })).status).toBe(202);
    expect((await call(await signedRequest(purchase({ event_id: server, time: new Date().toISOString(), properties: props })), { config: t.config })).status).toBe(202);

    const copy = (await (await get(`/inspector/event?id=${server}`, t.config)).json()) as { copies: { state: string; by: string | null; info: { dedupe: string } }[]; outcomes: unknown[] };
    expect(copy.outcomes).toEqual([]);
    const [merged] = copy.copies;
    expect(merged!.state).toBe("merged");
    expect(merged!.by).toBe(browser);
    expect(merged!.info.dedupe).toBe(`merged into ${browser}: its destinations are on that event`);
    // The event it names is found, with every destination (held for the merge window).
    const winner = (await (await get(`/inspector/event?id=${merged!.by}`, t.config)).json()) as { outcomes: { destination: string; reason: string }[] };
    expect(winner.outcomes.map((o) => [o.destination, o.reason]).sort()).toEqual(t.all.map((d) => [d, "held"]).sort());
  });
});

describe("a dead letter's reason", () => {
  it("says what happened and what to do, with the vendor's answer as the excerpt", async () => {
    const t = ledgerConfig();
    await scriptDouble(t.bucket, [{ status: 400, body: '{"error":"bad payload"}', times: 1 }]);
    const id = `evt_${crypto.randomUUID()}`;
    await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l_dead" } }, { config: t.config });
    const b = (await (await get(`/inspector/event?id=${id}`, t.config)).json()) as { outcomes: { destination: string; reason: string; detail: string; excerpt: string }[] };
    const live = b.outcomes.find((o) => o.destination === t.live)!;
    expect(live).toMatchObject({ reason: "dead_lettered", detail: "drop: the vendor refused the event (its answer says why); fix the cause, then npm run replay" });
    expect(live.excerpt).toContain("bad payload");
  });
});

describe("an event without a browser", () => {
  it("reads as an automated client, not device 'bot' beside 'bot: no' (a backend calling with curl)", async () => {
    const t = ledgerConfig();
    const id = `evt_${crypto.randomUUID()}`;
    const req = await signedRequest({ name: "lead_submitted", event_id: id, properties: { lead_id: "l_srv" } });
    req.headers.set("user-agent", "curl/8.5.0");
    expect((await call(req, { config: t.config })).status).toBe(202);
    const b = (await (await get(`/inspector/event?id=${id}`, t.config)).json()) as { copies: { info: { device: string; bot: string | null } }[] };
    expect(b.copies[0]!.info).toMatchObject({ device: "automated client (allowed)", bot: null });
  });
});
