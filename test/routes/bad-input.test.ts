/**
 * Malformed input, table-driven: every payload gets a 4xx JSON error that names a field (never a 5xx), and a
 * bad event inside a batch never costs the valid event beside it.
 */
import { describe, expect, it } from "vitest";
import { BASE, CHROME_UA, ORIGIN, P, US_CF, bucket, call, configWithHook, doubleRequests, send } from "../helpers/worker.ts";

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
