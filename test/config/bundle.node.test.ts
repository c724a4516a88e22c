/**
 * A config far over the 5 KB a Worker var holds deploys as a bundled file: `wrangler deploy --dry-run` bundles a
 * ~45 KB tagwire.config.toml (50 events, every destination type, rules) and the bundle answers P/health on workerd.
 * Runs in Node (vitest project "node"): it drives wrangler and Miniflare from outside the Worker.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESTINATIONS } from "../../src/destinations/registry.ts";
import { bigConfig, bigConfigToml } from "../support/bigConfig.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Inside the project: wrangler's module rules (**/*.toml) match paths under the directory of wrangler.toml.
mkdirSync(join(root, ".wrangler/tmp"), { recursive: true });
const dir = mkdtempSync(join(root, ".wrangler/tmp/bundle-test-"));
const text = bigConfigToml();
let mf: Miniflare | undefined;
let bundledModules: string[] = [];

beforeAll(async () => {
  // An environment's entry, as dev/worker.ts is: it imports its config file and passes it to the Worker.
  writeFileSync(join(dir, "tagwire.config.toml"), text);
  writeFileSync(
    join(dir, "worker.ts"),
    [
      `import text from "./tagwire.config.toml";`,
      `import { tagwire } from ${JSON.stringify(join(root, "src/worker.ts"))};`,
      `export * from ${JSON.stringify(join(root, "src/objects.ts"))};`,
      `export default tagwire({ name: "tagwire.config.toml", text });`,
      "",
    ].join("\n"),
  );
  // The repo's wrangler.toml (bindings, module rules, minify), top-level environment, with this entry as main.
  // With this Node (22): wrangler refuses older ones, and PATH may hold one.
  await promisify(execFile)(
    process.execPath,
    [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", join(dir, "worker.ts"), "--dry-run", "--outdir", join(dir, "out"), "--env", ""],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
  );
  bundledModules = readdirSync(join(dir, "out"));
  const sqlite = (className: string) => ({ className, useSQLite: true });
  mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      compatibilityDate: "2026-11-01",
      modulesRoot: join(dir, "out"),
      // What wrangler would upload: the script first, then the config as a text module (named by content hash).
      modules: [
        { type: "ESModule", path: join(dir, "out/worker.js") },
        ...bundledModules.filter((f) => f.endsWith(".toml")).map((f) => ({ type: "Text" as const, path: join(dir, "out", f) })),
      ],
      durableObjects: {
        DEBUG_LOG: sqlite("DebugLog"),
        DEDUPER: sqlite("Deduper"),
        DEAD_LETTERS: sqlite("DeadLetters"),
        STATS: sqlite("Stats"),
        RATE_LIMITER: sqlite("RateLimiter"),
        BACKLOG: sqlite("Backlog"),
        IDENTITY: sqlite("IdentityGraph"),
      },
      queueProducers: { DELIVERY_QUEUE: { queueName: "tagwire-delivery" } },
      bindings: { TAGWIRE_ADMIN_TOKEN: "admin_test_token_0123456789" },
    }),
  );
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("a 45 KB config bundled by wrangler deploy", () => {
  it("is a realistic plan far over the 5 KB var limit", () => {
    expect(text.length).toBeGreaterThan(40_000);
    const cfg = bigConfig() as { plan: { events: object }; destinations: Record<string, { type: string }> };
    expect(Object.keys(cfg.plan.events)).toHaveLength(50);
    expect(new Set(Object.values(cfg.destinations).map((d) => d.type))).toEqual(new Set(DESTINATIONS.map((d) => d.type)));
  });

  it("ships as a text module next to the script", () => {
    expect(bundledModules.some((f) => f.endsWith("tagwire.config.toml"))).toBe(true);
  });

  it("answers P/health ok on workerd with that config and no TAGWIRE_CONFIG var", async () => {
    // The details (version, events, destinations) are for the admin token; the public answer is only ok or not.
    const res = await mf!.dispatchFetch("https://t.shop.example.com/k7q/health", { headers: { authorization: "Bearer admin_test_token_0123456789" } });
    const body = (await res.json()) as { status: string; version: string; events_in_plan: number; destinations: unknown[] };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ version: "2026-11-30.big", events_in_plan: 50 });
    expect(body.destinations).toHaveLength(DESTINATIONS.length);
  });
});
