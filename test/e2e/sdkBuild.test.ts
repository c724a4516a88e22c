import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildSdk, GENERATED_PATH } from "../../scripts/build-sdk.ts";
import { SDK_GZIP_BUDGET, sdkSize } from "../../scripts/sdk-size.ts";
import { snippetFor } from "../../src/sdk/snippet.ts";

describe("the built SDK", () => {
  it("is what the sources build to today (run `npm run build:sdk` when this fails)", async () => {
    const { module } = await buildSdk();
    expect(readFileSync(GENERATED_PATH, "utf8")).toBe(module);
  });

  it(`is at most ${SDK_GZIP_BUDGET} bytes gzipped`, async () => {
    const { js } = await buildSdk();
    const { gzip } = sdkSize(js);
    expect(gzip).toBeGreaterThan(500);
    expect(gzip).toBeLessThanOrEqual(SDK_GZIP_BUDGET);
  });

  it("is installed with the snippet docs/sdk.md shows", () => {
    const docs = readFileSync(new URL("../../docs/sdk.md", import.meta.url), "utf8");
    expect(docs).toContain(`<script>${snippetFor("https://t.shop.example.com/k7q/s.js")}</script>`);
  });
});
