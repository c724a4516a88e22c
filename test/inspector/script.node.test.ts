/**
 * The inspector's inline scripts parse as JavaScript, with and without debug (they are strings to TypeScript, so
 * only this or a browser would see a syntax error). Runs in Node: workerd refuses to compile code at run time.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { inspectorPage } from "../../src/inspector/page.ts";

const dev = parseConfig(readFileSync(fileURLToPath(new URL("../../dev/tagwire.config.toml", import.meta.url)), "utf8"));
if (!dev.ok) throw new Error(JSON.stringify(dev.problems));

const scripts = (html: string) => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);

describe("the inspector's inline scripts", () => {
  for (const debug of [true, false]) {
    it(`compile with debug = ${debug}`, () => {
      const found = scripts(inspectorPage({ ...dev.config, debug }));
      expect(found).toHaveLength(debug ? 2 : 1);
      for (const s of found) expect(() => new Function(s)).not.toThrow();
    });
  }
});
