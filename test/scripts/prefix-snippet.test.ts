/** npm run prefix (a random, clean prefix) and npm run snippet (the head snippet for the user's host). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { servedSdk } from "../../src/sdk/served.ts";
import { compileLists } from "../../scripts/doctor/filters.ts";
import { lintPrefix, proposePrefix, randomPrefix } from "../../scripts/prefix/propose.ts";
import { snippetHtml } from "../../scripts/snippet/html.ts";

const LIST = { name: "mini", text: readFileSync(new URL("./fixtures/mini-filters.txt", import.meta.url), "utf8") };
const cfg = (over: Record<string, unknown> = {}) => Config.parse({ prefix: "/k7q", ...over });
/** A scripted random source: yields the given numbers in turn (each taken modulo the range asked for). */
const scripted = (...ns: number[]) => {
  let i = 0;
  return (n: number) => ns[i++ % ns.length]! % n;
};

describe("npm run prefix", () => {
  it("proposes short prefixes of a letter then letters and digits", () => {
    for (let i = 0; i < 50; i++) expect(randomPrefix()).toMatch(/^\/[a-z][a-z2-9]{2,3}$/);
  });

  it("passes a valid config's schema with the proposed prefix", () => {
    const { prefix } = proposePrefix(cfg(), [LIST]);
    expect(Config.safeParse({ prefix, previous_prefixes: ["/k7q"] }).success).toBe(true);
  });

  it("skips a candidate the filter list matches and one already active", () => {
    // LETTERS = a..z without i, l, o; "trk9" = t r k 9 → indexes 16, 14, 8, and 9 in ALNUM ("…z23456789": index 30).
    const LETTERS = "abcdefghjkmnpqrstuvwxyz";
    const ALNUM = `${LETTERS}23456789`;
    const pick = (word: string) => [1, LETTERS.indexOf(word[0]!), ...[...word.slice(1)].map((ch) => ALNUM.indexOf(ch))];
    const rand = scripted(...pick("trk9"), ...pick("k7q").map((n, i) => (i === 0 ? 0 : n)), ...pick("m3xa"));
    const { prefix } = proposePrefix(cfg(), [LIST], rand);
    expect(prefix).toBe("/m3xa");
  });

  it("explains why a prefix is not clean: the word lint and the matching rule", () => {
    const compiled = compileLists([LIST]);
    expect(lintPrefix("/trk9", cfg(), compiled).problems).toContainEqual(expect.stringContaining("mini: /trk9/*"));
    expect(lintPrefix("/collect", cfg(), compiled).problems).toContainEqual(expect.stringContaining('contains "collect"'));
    expect(lintPrefix("/m3x", cfg(), compiled).problems).toEqual([]);
  });
});

describe("npm run snippet", () => {
  it("prints the snippet loading the SDK from the user's host and prefix", () => {
    const html = snippetHtml(cfg(), "t.acme.io");
    expect(html).toContain('"https://t.acme.io/k7q/s.js"');
    expect(html).toContain("tagwire");
  });

  it("follows renamed routes and global, and can name the versioned SDK URL", () => {
    const c = cfg({ prefix: "/n4v", routes: { sdk: "lib.js", events: "v" }, sdk_global: "shopq" });
    const html = snippetHtml(c, "shop.acme.io", true);
    expect(html).toContain(`"https://shop.acme.io/n4v/lib.${servedSdk("shopq", "v").hash}.js"`);
    expect(html).toContain("shopq");
    expect(html).not.toContain("tagwire");
  });
});
