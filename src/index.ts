/** Worker entry (production, top level of wrangler.toml): the handlers with tagwire.config.toml bundled, and the Durable Object exports. */
import text from "../tagwire.config.toml";
import { tagwire } from "./worker.ts";

export * from "./objects.ts";

export default tagwire({ name: "tagwire.config.toml", text });
