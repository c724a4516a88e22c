import { describe, expect, it } from "vitest";
import { SDK_HASH } from "../../src/sdk/generated.ts";
import { servedSdk } from "../../src/sdk/served.ts";
import { snippetFor } from "../../src/sdk/snippet.ts";
import { BASE, call, configCopy, P } from "../helpers/worker.ts";

const get = (path: string, headers: Record<string, string> = {}, base = BASE, config?: unknown) =>
  call(new Request(`${base}${P}${path}`, { headers }), config === undefined ? {} : { config });

describe("GET P/s.js", () => {
  it("serves the SDK as JavaScript with a day of caching and an ETag of its hash", async () => {
    const res = await get("/s.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=86400, stale-while-revalidate=604800");
    expect(res.headers.get("etag")).toBe(`"${SDK_HASH}"`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.text()).toBe(servedSdk().js);
  });

  it("answers 304 without a body when If-None-Match names the current build, weak or in a list", async () => {
    for (const inm of [`"${SDK_HASH}"`, `W/"${SDK_HASH}"`, `"old", "${SDK_HASH}"`]) {
      const res = await get("/s.js", { "if-none-match": inm });
      expect(res.status).toBe(304);
      expect(res.headers.get("etag")).toBe(`"${SDK_HASH}"`);
      expect(await res.text()).toBe("");
    }
  });

  it("serves the full script again when If-None-Match names an older build", async () => {
    const res = await get("/s.js", { "if-none-match": '"0123456789ab"' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(servedSdk().js);
  });

  it("refuses other methods with 405", async () => {
    const res = await call(new Request(`${BASE}${P}/s.js`, { method: "POST", body: "x" }));
    expect(res.status).toBe(405);
  });
});

describe("GET P/s.<hash>.js", () => {
  it("serves the current build under its hash as immutable for a year", async () => {
    const res = await get(`/s.${SDK_HASH}.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toBe(`"${SDK_HASH}"`);
    expect(await res.text()).toBe(servedSdk().js);
  });

  it("redirects an older hash to P/s.js rather than caching other bytes under it", async () => {
    const res = await get("/s.0123456789ab.js");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${P}/s.js`);
  });
});

describe("GET P/demo", () => {
  it("redirects to the inspector from localhost when debug is on (the demo's buttons live there now)", async () => {
    for (const base of ["http://127.0.0.1:8787", "http://localhost:8787"]) {
      const res = await get("/demo", {}, base);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`${P}/inspector`);
      expect(await res.text()).toBe("");
    }
  });

  it("is not found through a public host name", async () => {
    const res = await get("/demo");
    expect(res.status).toBe(404);
  });

  it("is not found when debug is off, even from localhost", async () => {
    const cfg = configCopy();
    cfg.debug = false;
    const res = await get("/demo", {}, "http://localhost:8787", cfg);
    expect(res.status).toBe(404);
  });
});

describe("the head snippet", () => {
  it("carries the script URL as a JavaScript string that cannot close the script element", () => {
    const s = snippetFor("https://t.shop.example.com/k7q/s.js?</script>");
    expect(s).toContain('"https://t.shop.example.com/k7q/s.js?\\u003c/script>"');
    expect(s).not.toContain("__TAGWIRE_SRC__");
    expect(s).not.toContain("</script>");
  });
});
