/** npm run schema: writes config.schema.json and wrangler.schema.json (committed; a test fails when it is stale). */
import { writeFileSync } from "node:fs";
import { configJsonSchemaText, wranglerJsonSchemaText } from "../src/config/jsonSchema.ts";
import { cli } from "./cli.ts";

cli("schema", `
npm run schema

Writes config.schema.json and wrangler.schema.json from the config's zod schema (both are committed; a test
fails when they are stale). Editors use them to check and complete the config.`, {});

writeFileSync(new URL("../config.schema.json", import.meta.url), configJsonSchemaText());
writeFileSync(new URL("../wrangler.schema.json", import.meta.url), wranglerJsonSchemaText());
console.log("wrote config.schema.json and wrangler.schema.json");
