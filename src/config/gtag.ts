/**
 * The `[gtag]` config block: where gtag.js / Google Tag Manager hits arrive (GA4's /g/collect protocol), how
 * GA4 event names become plan names, and the optional first-party loader (gtag.js / gtm.js served rewritten).
 */
import { z } from "zod";
import { EVENT_NAME, blockedPrefixWord } from "./lints.ts";

const lintClean = (what: string) =>
  z
    .string()
    .regex(/^(\/[A-Za-z0-9_.-]+)+$/, `a path such as /g2 (${what})`)
    .refine((p) => blockedPrefixWord(p) === undefined, {
      error: (iss) => `must not contain "${blockedPrefixWord(String(iss.input))}", a word ad blockers match`,
    });

// Paths the router already serves under the prefix (src/routes/router.ts).
const BUILT_IN = new Set(["/e", "/p.gif", "/s2s", "/health", "/s.js", "/demo", "/g/collect"]);
const notBuiltIn = (p: string) => !BUILT_IN.has(p) && !/^\/(admin|debug)(\/|$)/.test(p) && !/^\/s\.[^/]+\.js$/.test(p);

const measurementId = z.string().regex(/^G-[A-Z0-9]{4,16}$/, "a web stream measurement id such as G-ABC123XYZ9");
const tagId = z.string().regex(/^(G|GT|AW|DC|GTM)-[A-Z0-9]{4,16}$/, "a tag id such as G-ABC123XYZ9 or GTM-ABC1234");

export const GtagLoaderConfig = z
  .strictObject({
    path: lintClean("the loader's path under the prefix").default("/l.js").describe("Where the rewritten loader is served: P<path>?id=<tag id>"),
    ids: z.array(tagId).min(1, "name the tag ids the loader may serve").describe("Tag ids the loader serves (G-…, GTM-…); others get 400"),
    upstream: z
      .url()
      .default("https://www.googletagmanager.com")
      .describe("Where gtag.js (/gtag/js) and gtm.js (/gtm.js) are fetched from; tests point it at a stub"),
    cache_seconds: z.int().min(60).max(86_400).default(3600).describe("How long the edge and browsers keep a rewritten loader"),
  })
  .describe("Serve gtag.js / gtm.js from your own host with its collect path rewritten to the lint-clean one");
export type GtagLoaderConfig = z.infer<typeof GtagLoaderConfig>;

export const GtagConfig = z
  .strictObject({
    path: lintClean("where hits arrive under the prefix")
      .refine(notBuiltIn, "is a path Tagwire already serves")
      .default("/g2")
      .describe("Path under the prefix that receives gtag hits; the rewritten loader sends here"),
    google_path: z
      .boolean()
      .default(true)
      .describe("Also accept P/g/collect, what an unmodified gtag.js sends to transport_url (on filter lists)"),
    measurement_ids: z
      .array(measurementId)
      .optional()
      .describe("GA4 streams whose hits are accepted (default: every ga4 destination's measurement_id; any when none)"),
    events: z
      .record(z.string().min(1).max(40), z.string().regex(EVENT_NAME, "a plan event name such as purchase_completed"))
      .default({})
      .describe("GA4 event name → plan event name, on top of the built-in map (purchase → purchase_completed, …)"),
    loader: GtagLoaderConfig.optional(),
  })
  .describe("Accept gtag.js and Google Tag Manager hits (GA4's /g/collect protocol); absent: the routes do not exist");
export type GtagConfig = z.infer<typeof GtagConfig>;
