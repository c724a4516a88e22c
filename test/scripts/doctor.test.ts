/** npm run doctor, offline: an injected resolver, a small filter list, wrangler routes and secret names as data. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Config, type ConfigInput } from "../../src/config/schema.ts";
import { compareAddresses, matchingBits, safariCaps } from "../../scripts/doctor/safari.ts";
import { doctor, type DoctorInput, type Resolver } from "../../scripts/doctor/run.ts";
import { routeServing, routesOf } from "../../scripts/doctor/routes.ts";

const LIST = { name: "mini", text: readFileSync(new URL("./fixtures/mini-filters.txt", import.meta.url), "utf8") };

function resolver(records: Record<string, { a?: string[]; aaaa?: string[]; cname?: string[] }>): Resolver {
  const get = (k: "a" | "aaaa" | "cname") => async (host: string) => {
    const r = records[host]?.[k];
    if (!r) throw Object.assign(new Error(`queryA ENODATA ${host}`), { code: "ENODATA" });
    return r;
  };
  return { resolve4: get("a"), resolve6: get("aaaa"), resolveCname: get("cname") };
}

const cfg = (over: Partial<ConfigInput> = {}) =>
  Config.parse({
    prefix: "/k7q",
    allowed_origins: ["https://shop.acme.io"],
    cookies: { domain: "acme.io" },
    destinations: { hook: { type: "webhook", url: "https://hooks.acme.io/t", secret: "HOOK_SECRET", pii: "hashed" } },
    ...over,
  });

const input = (over: Partial<DoctorInput> = {}): DoctorInput => ({
  host: "t.acme.io",
  site: "shop.acme.io",
  cfg: cfg(),
  routes: [{ pattern: "t.acme.io", custom_domain: true }],
  resolver: resolver({ "t.acme.io": { a: ["104.21.7.10"], aaaa: ["2606:4700:3031::6815:70a"] }, "shop.acme.io": { a: ["104.21.80.1"], aaaa: ["2606:4700:3031::ac43:b3e1"] } }),
  lists: [LIST],
  secrets: { names: new Set(["HOOK_SECRET"]), from: "wrangler secret list" },
  ...over,
});
const byCheck = async (i: DoctorInput, check: string) => (await doctor(i)).filter((v) => v.check.startsWith(check));

describe("Safari's IP-address rule", () => {
  it("counts matching leading bits as WebKit does, for IPv4 and IPv6", () => {
    expect(matchingBits("104.21.7.10", "104.21.80.1")).toBe(17);
    expect(matchingBits("104.21.7.10", "172.67.1.1")).toBe(0);
    expect(matchingBits("2606:4700:3031::1", "2606:4700:3031::ffff")).toBe(112);
    expect(matchingBits("2606:4700::1", "2a06:98c1::1")).toBe(4);
    expect(matchingBits("104.21.7.10", "::ffff:104.21.7.10")).toBe(0);
  });

  it("caps cookies when the first 16 bits (IPv4) or 64 bits (IPv6) differ", () => {
    expect(safariCaps("104.21.7.10", "104.21.200.1")).toBe(false);
    expect(safariCaps("104.21.7.10", "104.22.7.10")).toBe(true);
    expect(safariCaps("2606:4700:3031:1::1", "2606:4700:3031:1:ffff::1")).toBe(false);
    expect(safariCaps("2606:4700:3031:1::1", "2606:4700:3031:2::1")).toBe(true);
  });

  it("calls a mix of matching and non-matching address pairs mixed", () => {
    expect(compareAddresses(["104.21.7.10", "172.67.1.1"], ["104.21.80.1"]).verdict).toBe("mixed");
  });

  it("passes a tracking host in the site's range and fails one elsewhere, with the fix", async () => {
    expect((await byCheck(input(), "safari ip"))[0]).toMatchObject({ status: "ok" });
    const far = input({ resolver: resolver({ "t.acme.io": { a: ["172.67.1.1"] }, "shop.acme.io": { a: ["23.227.38.65"] } }) });
    const [v] = await byCheck(far, "safari ip");
    expect(v).toMatchObject({ status: "fail" });
    expect(v!.detail).toContain("7 days");
    expect(v!.fix).toContain('pattern = "shop.acme.io/k7q/*"');
  });

  it("fails a tracking host that is a CNAME to another site", async () => {
    const i = input({ resolver: resolver({ "t.acme.io": { a: ["104.21.7.10"], cname: ["acme.proxy-vendor.net."] }, "shop.acme.io": { a: ["104.21.80.1"] } }) });
    expect((await byCheck(i, "safari cname"))[0]).toMatchObject({ status: "fail" });
  });

  it("fails a tracking host without an address, and skips DNS with a note when offline", async () => {
    const none = input({ resolver: resolver({ "shop.acme.io": { a: ["104.21.80.1"] } }) });
    expect((await byCheck(none, "dns t.acme.io"))[0]).toMatchObject({ status: "fail" });
    expect((await byCheck(input({ resolver: null }), "dns"))[0]).toMatchObject({ status: "skip" });
    const down: Resolver = { resolve4: async () => { throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }); }, resolve6: async () => [], resolveCname: async () => [] };
    expect((await byCheck(input({ resolver: down }), "dns"))[0]).toMatchObject({ status: "skip" });
  });
});

describe("routes", () => {
  it("reads route, routes and custom domains per environment", () => {
    const toml = { routes: [{ pattern: "t.acme.io", custom_domain: true }], env: { staging: { route: "shop.acme.io/k7q/*" } } };
    expect(routesOf(toml)).toEqual([{ pattern: "t.acme.io", custom_domain: true }]);
    expect(routesOf(toml, "staging")).toEqual([{ pattern: "shop.acme.io/k7q/*" }]);
  });

  it("matches a zone route by host and path, and a custom domain by host", () => {
    expect(routeServing([{ pattern: "shop.acme.io/k7q/*", zone_name: "acme.io" }], "shop.acme.io", "/k7q/e")).toBeDefined();
    expect(routeServing([{ pattern: "shop.acme.io/other/*" }], "shop.acme.io", "/k7q/e")).toBeUndefined();
    expect(routeServing([{ pattern: "*.acme.io/*" }], "t.acme.io", "/k7q/e")).toBeDefined();
  });

  it("fails when no route serves the host, naming the routes block to add", async () => {
    const [v] = await byCheck(input({ routes: [] }), "route");
    expect(v).toMatchObject({ status: "fail", fix: 'routes = [{ pattern = "t.acme.io", custom_domain = true }]' });
  });
});

describe("filter lists", () => {
  it("passes names no rule matches", async () => {
    expect(await byCheck(input(), "filter lists")).toEqual([expect.objectContaining({ status: "ok" })]);
  });

  it("fails a prefix a real rule matches, naming the list and the rule, on every active prefix", async () => {
    const i = input({ cfg: cfg({ prefix: "/n4v", previous_prefixes: ["/trk9"] }) });
    const hits = (await byCheck(i, "filter lists")).filter((v) => v.status === "fail");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]!.detail).toContain("/trk9/");
    expect(hits[0]!.detail).toContain("mini: /trk9/*$xmlhttprequest,image,script,ping");
    expect(hits.every((h) => !h.detail.startsWith("/n4v"))).toBe(true);
  });

  it("fails a route name that a generic rule matches", async () => {
    const hits = (await byCheck(input({ cfg: cfg({ routes: { pixel: "px.gif" } as never }) }), "filter lists")).filter((v) => v.status === "fail");
    expect(hits.map((h) => h.detail)).toContainEqual(expect.stringContaining("/k7q/px.gif is matched by mini: /px.gif?"));
  });

  it("fails an SDK global a scriptlet targets and a cookie a $cookie rule removes", async () => {
    const i = input({ cfg: cfg({ sdk_global: "shopq", cookies: { domain: "acme.io", clicks_name: "_trk_clk" } as never }) });
    const details = (await byCheck(i, "filter lists")).map((v) => v.detail);
    expect(details).toContainEqual(expect.stringContaining("global window.shopq"));
    expect(details).toContainEqual(expect.stringContaining("cookie _trk_clk"));
  });
});

describe("secrets and cookie domain", () => {
  it("fails when a secret the config names is missing, naming the command that sets it", async () => {
    const [v] = await byCheck(input({ secrets: { names: new Set(), from: ".dev.vars" } }), "secrets");
    expect(v).toMatchObject({ status: "fail", fix: "npx wrangler secret put HOOK_SECRET" });
    expect((await byCheck(input({ secrets: { names: null, why: "not logged in" } }), "secrets"))[0]).toMatchObject({ status: "skip" });
  });

  it("warns about a missing secret that loses a feature (the archive key), saying which", async () => {
    const [v] = await byCheck(input({ secrets: { names: new Set(["HOOK_SECRET", "TAGWIRE_ADMIN_TOKEN", "TAGWIRE_DEAD_LETTER_KEY"]), from: "wrangler secret list" } }), "secrets");
    expect(v).toMatchObject({ status: "warn", fix: "npx wrangler secret put TAGWIRE_ARCHIVE_KEY" });
    expect(v!.detail).toContain("TAGWIRE_ARCHIVE_KEY (archive off: events are not archived, so there is no backfill source)");
  });

  it("fails a cookie domain that does not cover the tracking host", async () => {
    const [v] = await byCheck(input({ cfg: cfg({ cookies: { domain: "shop.acme.io" } }) }), "cookie domain");
    expect(v).toMatchObject({ status: "fail", fix: 'cookies.domain = "acme.io"' });
  });
});
