/** The JSON Schema of the Tagwire config, generated from the zod schema, for editor autocomplete (config.schema.json). */
import { z } from "zod";
import { Config } from "./schema.ts";

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Config, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://tagwire.dev/config.schema.json",
    title: "Tagwire config",
    description: "tagwire.config.toml (the file each wrangler environment bundles), or the TAGWIRE_CONFIG var that replaces it.",
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** A schema for wrangler.toml that checks only a TAGWIRE_CONFIG var, if one is set (top level and every [env.*]), and allows the rest. */
export function wranglerJsonSchemaText(): string {
  const vars = {
    type: "object",
    properties: { TAGWIRE_CONFIG: { $ref: "./config.schema.json" } },
    additionalProperties: true,
  };
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "wrangler.toml with a Tagwire config",
    type: "object",
    properties: {
      vars,
      env: { type: "object", additionalProperties: { type: "object", properties: { vars }, additionalProperties: true } },
    },
    additionalProperties: true,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
