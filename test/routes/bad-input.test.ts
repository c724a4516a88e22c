/**
 * Malformed input, table-driven: every payload gets a 4xx JSON error that names a field (never a 5xx), and a
 * bad event inside a batch never costs the valid event beside it.
 */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { eventParams } from "../../src/destinations/ga4/event.ts";
import { runPipeline } from "../../src/pipeline/index.ts";
import { purchaseEvent } from "../contracts/fixture.ts";
import { CONTRACTS } from "../contracts/index.ts";
import { runContract } from "../contracts/run.ts";
import { BASE, CHROME_UA, ORIGIN, P, US_CF, bucket, call, configWithHook, doubleRequests, send } from "../helpers/worker.ts";
import { testConfig } from "../support/testConfig.ts";

type Json = unknown;
const STRINGY_BAD: Json[] = [123, 1.5, true, false, null, [], ["a"], {}, { a: 1 }];
const OBJECT_BAD: Json[] = [123, "str", true, null, [], [1]];
const CONSENT_BAD: Json[] = [123, "yes", "GRANTED", null, [], {}];
const long = (n: number) => "x".repeat(n);

function valid(seq: string): Record<string, Json> {
  return { name: "product_added", event_id: `evt_bad_${seq}`, properties: { product_id: `p_${seq}`, price: 5 } };
}

/** Sets a dotted path on a copy of the valid event. */
function withField(seq: string, path: string, value: Json): Record<string, Json> {
  const e = structuredClone(valid(seq)) as Record<string, any>;
  const parts = path.split(".");
  let o = e;
  for (const p of parts.slice(0, -1)) o = o[p] ??= {};
  o[parts.at(-1)!] = value;
  return e;
}

const FIELDS: [string, Json[]][] = [
  ["event_id", [...STRINGY_BAD.filter((v) => v !== null), long(200)]],
  ["name", [...STRINGY_BAD, "", "Purchase", "purchase", "purchase completed", "PurchaseCompleted", "purchase-completed", "_purchase_done", long(101), "__proto__"]],
  ["type", ["click", 1, true, null, []]],
  ["time", [true, null, [], {}, "yesterday", "2026-13-45T99:00:00Z", long(50)]],
  ["properties", OBJECT_BAD],
  ["page", OBJECT_BAD],
  ["page.url", [...STRINGY_BAD, long(3000)]],
  ["page.title", [123, true, [], {}, long(600)]],
  ["page.unknown", ["x"]],
  ["user_id", [...STRINGY_BAD, long(300)]],
  ["traits", OBJECT_BAD],
  ["traits.email", [123, true, [], {}, long(300)]],
  ["traits.favourite_color", ["teal"]],
  ["consent", OBJECT_BAD],
  ["consent.ad_storage", CONSENT_BAD],
  ["consent.analytics_storage", CONSENT_BAD],
  ["consent.tracking", ["granted"]],
  ["context", OBJECT_BAD],
  ["context.ip", [123, true, [], {}, long(100)]],
  ["click_ids", OBJECT_BAD],
  ["extra_field", [1]],
  ["properties.product_id", [123, null, true, [], {}]],
  ["properties.price", ["5", -1, true, [], {}]],
  ["properties.quantity", [0, 1.5, "2", -3]],
  ["properties.plan", ["enterprise", 3]],
  ["properties.deep", [{ a: { b: { c: { d: { e: { f: 1 } } } } } }]],
  ["properties.huge", [long(2000)]],
  ["properties.many", [Array.from({ length: 101 }, (_, i) => i)]],
  ["properties.wide", [Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]))]],
  ["properties.constructor", [{ prototype: 1 }]],
  ["properties.nested.prototype", [1]],
  ["session_id", [123, true, [], {}, long(100)]],
  ["anonymous_id", [123, true, [], {}, long(200)]],
  ["traits.phone", [4155550100, true, [], {}, long(100)]],
  ["traits.first_name", [1, false, [], {}, long(200)]],
  ["context.user_agent", [1, false, [], {}, long(2000)]],
  ["context.locale", [1, false, [], {}, long(50)]],
  ["click_ids.gclid", [1, false, [], {}, long(600)]],
  ["page.referrer", [1, false, [], {}, long(3000)]],
  ["page.path", [1, false, [], {}, long(3000)]],
];

/** Payloads only expressible as raw JSON text (prototype keys as JSON.parse sees them). */
const RAW_EVENTS: [string, (seq: string) => string][] = [
  ["__proto__ at the top", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","__proto__":{"polluted":1},"properties":{"product_id":"p_${s}"}}`],
  ["__proto__ in properties", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","properties":{"product_id":"p_${s}","__proto__":{"polluted":1}}}`],
  ["__proto__ nested in properties", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","properties":{"product_id":"p_${s}","a":{"b":{"__proto__":{"x":1}}}}}`],
  ["__proto__ in an array item", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","properties":{"product_id":"p_${s}","items":[{"__proto__":{"x":1}}]}}`],
  ["constructor at the top", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","constructor":{"prototype":{}},"properties":{"product_id":"p_${s}"}}`],
  ["prototype at the top", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","prototype":1,"properties":{"product_id":"p_${s}"}}`],
  ["number too large for a double", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","properties":{"product_id":"p_${s}","price":1e400}}`],
  ["__proto__ in traits", (s) => `{"name":"product_added","event_id":"evt_bad_${s}","traits":{"__proto__":{"x":1}},"properties":{"product_id":"p_${s}"}}`],
];

const EVENT_CASES: [string, (seq: string) => string][] = [
  ...FIELDS.flatMap(([path, values]) =>
    values.map((v, i): [string, (seq: string) => string] => [`${path} = ${JSON.stringify(v)?.slice(0, 40)} (#${i})`, (seq) => JSON.stringify(withField(seq, path, v))]),
  ),
  ...RAW_EVENTS,
];

/** Whole bodies that are wrong as such (not as one event of a batch). */
const BODY_CASES: [string, string | Uint8Array, string?][] = [
  ["empty body", ""],
  ["whitespace", "   \n"],
  ["truncated object", '{"name":"product_added"'],
  ["truncated string", '{"name":"prod'],
  ["trailing comma", '{"name":"product_added",}'],
  ["single quotes", "{'name':'product_added'}"],
  ["NaN literal", '{"name":"product_added","properties":{"price":NaN}}'],
  ["Infinity literal", '{"name":"product_added","properties":{"price":Infinity}}'],
  ["comment", '/* hi */ {"name":"product_added"}'],
  ["two objects", '{"name":"a_b"}{"name":"c_d"}'],
  ["undefined", "undefined"],
  ["bare word", "hello"],
  ["number", "123"],
  ["string", '"purchase_completed"'],
  ["true", "true"],
  ["null", "null"],
  ["array at the top", "[]"],
  ["array of events at the top", '[{"name":"product_added"}]'],
  ["batch is a string", '{"batch":"x"}'],
  ["batch is an object", '{"batch":{}}'],
  ["batch is null", '{"batch":null}'],
  ["batch is empty", '{"batch":[]}'],
  ["batch beside another key", '{"batch":[],"name":"a_b"}'],
  ["batch of numbers", '{"batch":[1,2,3]}'],
  ["batch of strings", '{"batch":["a","b"]}'],
  ["batch of nulls", '{"batch":[null]}'],
  ["batch of arrays", '{"batch":[[]]}'],
  ["batch of 101 events", JSON.stringify({ batch: Array.from({ length: 101 }, (_, i) => valid(`over_${i}`)) })],
  ["body over 64 KB", JSON.stringify({ name: "product_added", properties: { product_id: "p", pad: long(70_000) } })],
  ["invalid UTF-8 (lone continuation byte)", new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d])],
  ["invalid UTF-8 (overlong encoding)", new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])],
  ["invalid UTF-8 (truncated sequence)", new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d])],
  ["content type form", '{"name":"product_added"}', "application/x-www-form-urlencoded"],
  ["content type xml", '{"name":"product_added"}', "application/xml"],
  ["content type multipart", '{"name":"product_added"}', "multipart/form-data; boundary=x"],
  ["no content type", '{"name":"product_added"}', ""],
];

function rawRequest(body: string | Uint8Array, contentType = "application/json", extra: Record<string, string> = {}): Request {
  const headers: Record<string, string> = { origin: ORIGIN, "user-agent": CHROME_UA, "cf-connecting-ip": "203.0.113.10", ...extra };
  if (contentType) headers["content-type"] = contentType;
  return new Request(`${BASE}${P}/e`, { method: "POST", body, headers, cf: US_CF as unknown as IncomingRequestCfProperties });
}

async function expectNamedError(res: Response) {
  expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  const body = (await res.json()) as { error: string; details: { path: string; message: string }[] };
  expect(typeof body.error).toBe("string");
  expect(body.details.length).toBeGreaterThan(0);
  expect(typeof body.details[0]!.path).toBe("string");
  expect(body.details[0]!.message.length).toBeGreaterThan(0);
  return body;
}

let n = 0;
const seq = () => `${Date.now().toString(36)}_${++n}`;

describe("malformed single events", () => {
  it.each(EVENT_CASES)("rejects %s with a 4xx naming the field", async (_label, make) => {
    const body = await expectNamedError(await call(rawRequest(make(seq()))));
    expect(body.details.some((d) => d.path !== "")).toBe(true);
  });
});

describe("malformed bodies", () => {
  it.each(BODY_CASES)("rejects %s with a 4xx JSON error", async (_label, body, contentType) => {
    await expectNamedError(await call(rawRequest(body, contentType ?? "application/json")));
  });

  it("rejects a body over 64 KB sent without Content-Length (streamed) with 413", async () => {
    const chunk = new TextEncoder().encode(long(16_384));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 6) c.enqueue(chunk);
        else c.close();
      },
    });
    const res = await call(rawRequest(stream as unknown as Uint8Array));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "payload_too_large", details: [{ path: "body" }] });
  });

  it.each(["GET", "PUT", "DELETE", "PATCH"])("answers %s on P/e with 405 and an Allow header", async (method) => {
    const res = await call(new Request(`${BASE}${P}/e`, { method, headers: { origin: ORIGIN } }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("POST");
    await expectNamedError(res);
  });
});

describe("a bad event inside a batch", () => {
  it.each(EVENT_CASES)("keeps the valid event beside %s", async (_label, make) => {
    const b = bucket();
    const s = seq();
    const good = valid(`good_${s}`);
    const res = await call(rawRequest(`{"batch":[${JSON.stringify(good)},${make(s)}]}`), { config: configWithHook(b) });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; event_ids: string[]; rejected: { index: number; errors: { path: string }[] }[] };
    expect(body.accepted).toBe(1);
    expect(body.event_ids).toEqual([good.event_id]);
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]!.index).toBe(1);
    expect(body.rejected[0]!.errors[0]!.path).toMatch(/^batch\[1\]/);
    const forwarded = (await doubleRequests(b)).flatMap((r) => (JSON.parse(r.body) as { events: { event_id: string }[] }).events.map((e) => e.event_id));
    expect(forwarded).toEqual([good.event_id]);
  });

  it("counts at least 200 malformed payloads in these tables", () => {
    expect(EVENT_CASES.length + BODY_CASES.length).toBeGreaterThanOrEqual(200);
  });

  it("never answers 5xx to a valid event (control)", async () => {
    const res = await send(valid(`control_${seq()}`));
    expect(res.status).toBe(202);
  });
});

/**
 * Object.prototype's names as event names, property names, keys bound for a destination and cookie names:
 * refused with a 4xx naming the field, or accepted and delivered intact, never a 5xx or a silent loss.
 */
describe("prototype names through to delivery", () => {
  const NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty"];
  const deliveredTo = async (b: string) => (await doubleRequests(b)).flatMap((r) => (JSON.parse(r.body) as { events: Record<string, any>[] }).events);

  it.each(NAMES)("refuses %s as an event name, on P/e and on the pixel", async (name) => {
    const body = await expectNamedError(await call(rawRequest(JSON.stringify({ name, properties: {} }))));
    expect(body.details[0]!.path).toBe("name");
    const gif = await call(new Request(`${BASE}${P}/p.gif?n=${encodeURIComponent(name)}&p.x=1`, { headers: { "user-agent": CHROME_UA } }));
    expect(gif.status).toBe(400);
    expect(JSON.parse(gif.headers.get("x-tagwire-error")!).details[0].path).toBe("name");
  });

  it.each(["constructor", "__proto__"])("refuses %s as a property name (JSON and pixel), naming it", async (key) => {
    const s = seq();
    const body = await expectNamedError(await call(rawRequest(`{"name":"product_added","event_id":"evt_bad_${s}","properties":{"product_id":"p","${key}":{"x":1}}}`)));
    expect(body.details[0]!.path).toBe(`properties.${key}`);
    const gif = await call(new Request(`${BASE}${P}/p.gif?n=product_added&p.product_id=p&p.${key}=1`, { headers: { "user-agent": CHROME_UA } }));
    expect(gif.status).toBe(400);
    expect(JSON.parse(gif.headers.get("x-tagwire-error")!).details[0].path).toBe(`properties.${key}`);
  });

  it.each(["toString", "hasOwnProperty", "valueOf"])("delivers %s as an ordinary property, to the webhook and as a GA4 parameter", async (key) => {
    const b = bucket();
    const s = seq();
    const res = await call(rawRequest(`{"name":"product_added","event_id":"evt_proto_${s}","properties":{"product_id":"p","${key}":"kept"}}`), { config: configWithHook(b) });
    expect(res.status).toBe(202);
    expect((await deliveredTo(b))[0]!.properties[key]).toBe("kept");
    expect(eventParams(purchaseEvent({ properties: { [key]: "kept" } }), "purchase", 1)[key]).toBe("kept");
  });

  it("carries toString and hasOwnProperty properties to every destination that forwards free properties", async () => {
    const e = purchaseEvent({ properties: { order_id: "ord_1", value: 10, currency: "USD", toString: "kept_ts", hasOwnProperty: "kept_hop" } });
    for (const type of ["webhook", "ga4", "segment", "posthog", "mixpanel", "amplitude"]) {
      const { requests, results } = await runContract(CONTRACTS.find((m) => m.type === type)!, [e]);
      expect(results.every((r) => r.kind === "ok"), type).toBe(true);
      const wire = requests.map((r) => r.body ?? "").join();
      expect(wire, type).toContain("kept_ts");
      expect(wire, type).toContain("kept_hop");
    }
  });

  it.each(["toString", "hasOwnProperty"])("refuses %s where the plan allows no other properties", async (key) => {
    const c = configWithHook(bucket());
    c.plan.events.product_added.additional_properties = false;
    const res = await call(rawRequest(`{"name":"product_added","properties":{"product_id":"p","${key}":"x"}}`), { config: c });
    const body = await expectNamedError(res);
    expect(body.details[0]).toEqual({ path: `properties.${key}`, message: "not in the tracking plan" });
  });

  it("ignores prototype names in a server event's click_ids and takes the rest", async () => {
    const r = runPipeline({
      cfg: Config.parse(testConfig("http://127.0.0.1:9")),
      items: [JSON.parse('{"name":"product_added","properties":{"product_id":"p"},"click_ids":{"constructor":"x","toString":"y","hasOwnProperty":"z","gclid":"G1"}}')],
      batch: false,
      source: "server",
      request: new Request("https://t.example/s2s", { method: "POST" }),
      now: Date.now(),
    });
    expect(r.rejected).toEqual([]);
    expect(r.events[0]!.click_ids).toEqual({ gclid: "G1" });
  });

  it("delivers an event whose request carries cookies named after prototype members", async () => {
    const b = bucket();
    const s = seq();
    const res = await call(rawRequest(JSON.stringify(valid(`cookie_${s}`)), "application/json", { cookie: "__proto__=a; constructor=b; toString=c; hasOwnProperty=d; tw_id=__proto__" }), { config: configWithHook(b) });
    expect(res.status).toBe(202);
    const [e] = await deliveredTo(b);
    expect(e!.event_id).toBe(`evt_bad_cookie_${s}`);
    expect(e!.anonymous_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
