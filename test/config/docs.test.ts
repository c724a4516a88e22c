/** The config file example in docs/foundation.md is a valid tagwire.config.toml. */
import { describe, expect, it } from "vitest";
import foundation from "../../docs/foundation.md?raw";
import { parseConfig } from "../../src/config/load.ts";

describe("docs/foundation.md", () => {
  it("shows a config file that loads as it is", () => {
    const toml = /```toml\n(#:schema[\s\S]*?)```/.exec(foundation)![1]!;
    const loaded = parseConfig(toml, "docs/foundation.md");
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });
});
