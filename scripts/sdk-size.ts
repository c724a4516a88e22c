/** Prints the served SDK's raw and gzip size (what `npm run bench` reports). Budget: 1536 bytes gzipped. */
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { servedSdk } from "../src/sdk/served.ts";

export const SDK_GZIP_BUDGET = 1536;

/** Size of the SDK as served with the default names (the build holds placeholders where they go). */
export function sdkSize(js: string = servedSdk().js): { raw: number; gzip: number } {
  const bytes = new TextEncoder().encode(js);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { cli } = await import("./cli.ts");
  cli("sdk:size", `
npm run sdk:size

Prints the served browser SDK's size, raw and gzipped, against its budget (${SDK_GZIP_BUDGET} B gzip).`, {});
  const { raw, gzip } = sdkSize();
  console.log(`sdk s.js: ${raw} B raw, ${gzip} B gzip (budget ${SDK_GZIP_BUDGET} B gzip)`);
}
