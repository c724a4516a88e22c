/** Worker entry of [env.dev] (`npm start`): the same Worker with the demo config dev/tagwire.config.toml bundled. */
import text from "./tagwire.config.toml";
import { tagwire } from "../src/worker.ts";

export * from "../src/objects.ts";

export default tagwire({ name: "dev/tagwire.config.toml", text });
