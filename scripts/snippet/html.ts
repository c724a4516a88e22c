/** The <head> snippet for one site: the config's prefix, SDK route and global, on the host the Worker answers. */
import type { Config } from "../../src/config/schema.ts";
import { servedSdk } from "../../src/sdk/served.ts";
import { snippetFor } from "../../src/sdk/snippet.ts";

export function sdkUrl(cfg: Config, host: string, versioned = false): string {
  const base = `https://${host}${cfg.prefix}`;
  if (!versioned) return `${base}/${cfg.routes.sdk}`;
  const { hash } = servedSdk(cfg.sdk_global, cfg.routes.events);
  return `${base}/${cfg.routes.sdk.replace(/\.js$/, "")}.${hash}.js`;
}

export function snippetHtml(cfg: Config, host: string, versioned = false): string {
  return `<!-- Tagwire: paste into the <head> of every page, as high as you can -->
<script>${snippetFor(sdkUrl(cfg, host, versioned), cfg.sdk_global)}</script>
`;
}
