import { describe, expect, it } from "vitest";
import committedConfig from "../../config.schema.json";
import committedWrangler from "../../wrangler.schema.json";
import { configJsonSchema, wranglerJsonSchemaText } from "../../src/config/jsonSchema.ts";

describe("the committed JSON Schemas", () => {
  it("match the zod config schema (run `npm run schema` after changing it)", () => {
    expect(committedConfig).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
    expect(committedWrangler).toEqual(JSON.parse(wranglerJsonSchemaText()));
  });

  it("describe the prefix, the destinations by type and the tracking plan", () => {
    const s = configJsonSchema() as { properties: Record<string, { description?: string }> };
    expect(s.properties.prefix?.description).toContain("prefix");
    expect(JSON.stringify(s.properties.destinations)).toContain('"webhook"');
    expect(JSON.stringify(s.properties.plan)).toContain("unknown_events");
  });
});
