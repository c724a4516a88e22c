/** `/`, several active prefixes, renamed routes, a renamed SDK global and renamed cookies (prefix rotation). */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { resolveVisitor } from "../../src/identity/visitor.ts";
import { servedSdk } from "../../src/sdk/served.ts";
import { snippetFor } from "../../src/sdk/snippet.ts";
import { BASE, CHROME_UA, ORIGIN, P, US_CF, call, configCopy, cookie } from "../helpers/worker.ts";

const req = (path: string, init: RequestInit = {}) =>
  new Request(`${BASE}${path}`, { ...init, headers: { "user-agent": CHROME_UA, origin: ORIGIN, ...(init.headers as Record<string, string>) }, cf: US_CF as unknown as IncomingRequestCfProperties });
const event = (id: string) => JSON.stringify({ name: "lead_submitted", event_id: id, properties: { lead_id: "l_1" }, consent: { analytics_storage: "granted" } });

describe("GET /", () => {
  it("answers a short text naming the prefix, the SDK, health and the inspector instead of a 404", async () => {
    const res = await call(req("/"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain(`Prefix: ${P}`);
    expect(text).toContain(`${P}/health`);
    expect(text).toContain(`${P}/s.js`);
    expect(text).toContain(`Inspector: ${P}/inspector`);
    expect((await call(req(`${P}/`))).status).toBe(200);
  });
});

describe("prefix rotation", () => {
  const rotated = () => ({ ...configCopy(), prefix: "/n4v", previous_prefixes: [P] });

  it("serves the new prefix and still the previous one, so cached snippets keep sending", async () => {
    const c = rotated();
    for (const prefix of ["/n4v", P]) {
      const res = await call(req(`${prefix}/e`, { method: "POST", body: event(`evt-rot-${prefix.slice(1)}-0001`), headers: { "content-type": "application/json" } }), { config: c });
      expect(res.status).toBe(202);
      expect((await call(req(`${prefix}/s.js`), { config: c })).status).toBe(200);
    }
    expect((await call(req("/zz9/e", { method: "POST", body: event("evt-rot-none-0001") }), { config: c })).status).toBe(404);
  });

  it("rejects a previous prefix containing a word filter lists match", () => {
    const r = Config.safeParse({ ...rotated(), previous_prefixes: ["/track"] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("previous_prefixes");
  });
});

describe("configurable names", () => {
  const renamed = () => ({ ...configCopy(), routes: { events: "v", pixel: "i.gif", sdk: "lib.js" }, sdk_global: "shopq" });

  it("serves events, pixel and SDK under the configured route names only", async () => {
    const c = renamed();
    const ok = await call(req(`${P}/v`, { method: "POST", body: event("evt-names-000001"), headers: { "content-type": "application/json" } }), { config: c });
    expect(ok.status).toBe(202);
    expect((await call(req(`${P}/e`, { method: "POST", body: event("evt-names-000002") }), { config: c })).status).toBe(404);
    expect((await call(req(`${P}/i.gif?n=lead_submitted&p.lead_id=l_2`), { config: c })).headers.get("content-type")).toBe("image/gif");
    expect((await call(req(`${P}/s.js`), { config: c })).status).toBe(404);
  });

  it("serves the SDK with the configured global and events route, under a hash of those exact bytes", async () => {
    const c = renamed();
    const res = await call(req(`${P}/lib.js`), { config: c });
    const js = await res.text();
    expect(js).toContain(".shopq");
    expect(js).toContain('"/v"');
    expect(js).not.toContain("tagwire");
    expect(js).not.toContain("__TW_");
    const { hash } = servedSdk("shopq", "v");
    expect(res.headers.get("etag")).toBe(`"${hash}"`);
    expect(hash).not.toBe(servedSdk().hash);
    const versioned = await call(req(`${P}/lib.${hash}.js`), { config: c });
    expect(versioned.headers.get("cache-control")).toContain("immutable");
    const stale = await call(req(`${P}/lib.${servedSdk().hash}.js`), { config: c });
    expect(stale.headers.get("location")).toBe(`${P}/lib.js`);
  });

  it("still accepts events on a renamed route's earlier name, for SDK copies cached in browsers", async () => {
    const c = { ...renamed(), routes: { events: "v", pixel: "i.gif", sdk: "lib.js", renamed_from: { events: ["e"], sdk: ["s.js"] } } };
    const res = await call(req(`${P}/e`, { method: "POST", body: event("evt-names-000003"), headers: { "content-type": "application/json" } }), { config: c });
    expect(res.status).toBe(202);
    expect(await (await call(req(`${P}/s.js`), { config: c })).text()).toContain(".shopq");
    expect(Config.safeParse({ prefix: "/k7q", routes: { events: "v", renamed_from: { events: ["v"] } } }).success).toBe(false);
  });

  it("prints the head snippet with the configured global", () => {
    const s = snippetFor("https://t.acme.io/n4v/lib.js", "shopq");
    expect(s).toContain("shopq");
    expect(s).not.toContain("tagwire");
  });

  it("rejects route names with words filter lists match, and names that clash", () => {
    expect(Config.safeParse({ prefix: "/k7q", routes: { events: "collect" } }).success).toBe(false);
    expect(Config.safeParse({ prefix: "/k7q", routes: { events: "health" } }).success).toBe(false);
    // Fixed routes under the prefix: a route renamed onto one would hide it (GET P/inspector answered 405).
    for (const fixed of ["inspector", "admin", "debug", "s2s", "demo"]) expect(Config.safeParse({ prefix: "/k7q", routes: { events: fixed } }).success, fixed).toBe(false);
    expect(Config.safeParse({ prefix: "/k7q", routes: { sdk: "lib" } }).success).toBe(false);
    expect(Config.safeParse({ prefix: "/k7q", sdk_global: "not-an-identifier" }).success).toBe(false);
  });
});

describe("renamed cookies", () => {
  const granted = { analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false };
  const cfg = Config.parse({ prefix: "/k7q", cookies: { id_name: "sq_v", session_name: "sq_s", clicks_name: "sq_c", renamed_from: { id_name: ["tw_id"], session_name: ["tw_sid"], clicks_name: ["tw_clk"] } } });

  it("keeps the visitor id found under the old name, writes it under the new one and expires the old cookie", () => {
    const id = "0192f5a0-7c1e-7000-8000-000000000001";
    const v = resolveVisitor(cfg.cookies, { cookieHeader: `tw_id=${id}; tw_sid=1780315100`, now: 1780315200000, seenClicks: [], consent: granted, metaEnabled: false });
    expect(v.anonymous_id).toBe(id);
    expect(v.session_id).toBe("1780315100");
    expect(v.setCookies.find((c) => c.startsWith("sq_v="))).toContain(id);
    expect(v.setCookies.find((c) => c.startsWith("tw_id="))).toContain("Max-Age=0");
  });

  it("prefers the cookie under the new name when both are present", () => {
    const v = resolveVisitor(cfg.cookies, {
      cookieHeader: "tw_id=0192f5a0-7c1e-7000-8000-00000000000a; sq_v=0192f5a0-7c1e-7000-8000-00000000000b",
      now: 1780315200000, seenClicks: [], consent: granted, metaEnabled: false,
    });
    expect(v.anonymous_id).toBe("0192f5a0-7c1e-7000-8000-00000000000b");
  });

  it("answers a browser that still holds the old cookie with the same id under the new name", async () => {
    const c = { ...configCopy(), cookies: { ...configCopy().cookies, id_name: "sq_v", renamed_from: { id_name: ["tw_id"] } } };
    const id = "0192f5a0-7c1e-7000-8000-0000000000c1";
    const res = await call(req(`${P}/e`, { method: "POST", body: event("evt-cookie-ren-0001"), headers: { "content-type": "application/json", cookie: `tw_id=${id}` } }), { config: c });
    expect(res.status).toBe(202);
    expect(cookie(res, "sq_v")).toContain(id);
  });
});
