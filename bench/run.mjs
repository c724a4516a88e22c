#!/usr/bin/env node
/**
 * npm run bench: measures Tagwire on workerd itself (Miniflare's HTTP server, not wrangler dev) and prints
 * figures and ratios:
 *   1. Throughput of POST P/e with a realistic purchase through the full ingest path (validate, enrich,
 *      dedupe in Durable Objects, enqueue) with durable delivery running (queue consumer → a local sink), next
 *      to an empty Worker on the same runtime in the same run; CPU per request from the workerd process.
 *   2. Pipeline CPU per event inside workerd: validate + plan + enrich + canonicalize, and mapping the event
 *      for every destination (N iterations per call; CPU read from /proc around the call).
 *   3. The browser SDK's size.
 * Loopback only; every loop is bounded. Options: --seconds 8 --concurrency 16 --outage (also runs the
 * outage scenario, bench/outage.mjs).
 */
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`npm run bench -- [--seconds 8] [--concurrency 16] [--outage]

Measures Tagwire on workerd beside an empty Worker (throughput, CPU per request, pipeline CPU per event) and
the SDK's size; --outage also runs the outage scenario (npm run bench:outage). Loopback only.`);
  process.exit(0);
}
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    concurrency: { type: "string", default: "16" },
    outage: { type: "boolean", default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const root = fileURLToPath(new URL("..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "tagwire-bench-"));
const TICK = 100; // clock ticks per second in /proc/<pid>/stat
const COMPAT = "2026-11-01";

async function bundle(entry, file) {
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:workers"],
    // The entry imports its config file as text (wrangler.toml [[rules]] type "Text").
    loader: { ".toml": "text" },
    minify: true,
    outfile: join(out, file),
    logLevel: "error",
  });
  return join(out, file);
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / TICK;
}

const childPids = () =>
  new Set(
    execFileSync("ps", ["--ppid", String(process.pid), "-o", "pid=,comm="], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes("workerd"))
      .map((l) => Number(l.trim().split(/\s+/)[0])),
  );

/** Starts a Miniflare instance and finds the workerd process it spawned. */
async function start(options) {
  const before = childPids();
  // Miniflare 5 takes a new options shape; the v4 shape (scriptPath, bindings, …) converts to it.
  const mf = new Miniflare(convertV4MiniflareOptions({ host: "127.0.0.1", port: 0, compatibilityDate: COMPAT, modules: true, modulesRoot: out, ...options }));
  const url = await mf.ready;
  const pid = [...childPids()].find((p) => !before.has(p));
  return { mf, url, pid };
}

function load(url, kind) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "bench/load.mjs"), url, String(SECONDS), String(CONCURRENCY), kind], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`load exited ${code}`))));
  });
}

async function measure(target, path, kind) {
  const c0 = cpuSeconds(target.pid);
  const r = await load(new URL(path, target.url).href, kind);
  const cpu = cpuSeconds(target.pid) - c0;
  return { ...r, cpuMsPerRequest: r.ok ? (cpu * 1000) / (r.ok + r.failed) : NaN };
}

// ---------------------------------------------------------------- the destination sink (durable delivery)
let delivered = 0;
const sink = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    try {
      delivered += JSON.parse(body).events.length;
    } catch {}
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
await new Promise((r) => sink.listen(0, "127.0.0.1", r));
const sinkUrl = `http://127.0.0.1:${sink.address().port}/hook`;

const benchConfig = {
  version: "bench",
  prefix: "/k7q",
  allowed_origins: ["https://shop.example.com"],
  cookies: { domain: "shop.example.com" },
  plan: {
    unknown_events: "flag",
    events: {
      purchase_completed: {
        description: "An order was paid",
        owner: "growth",
        value: { from: "value" },
        dedupe: { key: "order_id" },
        properties: {
          order_id: { type: "string", required: true },
          value: { type: "number", required: true, min: 0 },
          currency: { type: "string", pattern: "^[A-Z]{3}$" },
          items: { type: "array" },
        },
        destinations: { meta: "Purchase", ga4: "purchase" },
      },
    },
  },
  destinations: {
    warehouse: { type: "webhook", mode: "live", url: sinkUrl, secret: "BENCH_HOOK_SECRET" },
    meta: { type: "meta", mode: "dry_run", pixel_id: "1234567890123456", access_token: "BENCH_META_TOKEN" },
    ga4: { type: "ga4", mode: "dry_run", measurement_id: "G-ABC123XYZ9", api_secret: "BENCH_GA4_SECRET" },
  },
};

console.log(`bundling… (${out})`);
const workerPath = await bundle("src/index.ts", "worker.mjs");
const microPath = await bundle("bench/micro-worker.ts", "micro.mjs");
const emptyPath = join(out, "empty.mjs");
writeFileSync(emptyPath, "export default { fetch() { return new Response(null, { status: 204 }); } };\n");

const sqlite = (className) => ({ className, useSQLite: true });
const empty = await start({ scriptPath: emptyPath });
const tagwire = await start({
  scriptPath: workerPath,
  durableObjects: {
    DEBUG_LOG: sqlite("DebugLog"),
    DEDUPER: sqlite("Deduper"),
    DEAD_LETTERS: sqlite("DeadLetters"),
    STATS: sqlite("Stats"),
    RATE_LIMITER: sqlite("RateLimiter"),
    BACKLOG: sqlite("Backlog"),
  },
  queueProducers: { DELIVERY_QUEUE: { queueName: "tagwire-delivery" } },
  queueConsumers: { "tagwire-delivery": { maxBatchSize: 100, maxBatchTimeout: 1 } },
  bindings: {
    TAGWIRE_CONFIG: JSON.stringify(benchConfig),
    BENCH_HOOK_SECRET: "bench-hook-secret-0123456789",
    BENCH_META_TOKEN: "bench-meta-token",
    BENCH_GA4_SECRET: "bench-ga4-secret",
  },
});
const micro = await start({ scriptPath: microPath });

const health = await (await fetch(new URL("/k7q/health", tagwire.url))).json();
if (health.status !== "ok") throw new Error(`bench config invalid: ${JSON.stringify(health)}`);

console.log(`load: ${SECONDS} s each, ${CONCURRENCY} connections, loopback\n`);
// Warm both so JIT and Durable Object start-up are not in the figures.
await load(new URL("/", empty.url).href, "empty").catch(() => undefined);
const emptyRun = await measure(empty, "/", "empty");
const ingestRun = await measure(tagwire, "/k7q/e", "purchase");

// Durable delivery: wait (bounded) for the queue consumer to hand every accepted event to the sink.
const accepted = ingestRun.ok;
const waitUntil = Date.now() + 60_000;
while (delivered < accepted && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 250));

// ---------------------------------------------------------------- micro: CPU per event inside workerd
async function microCpu(stage, n) {
  await fetch(new URL(`/?stage=${stage}&n=50`, micro.url)); // warm
  const c0 = cpuSeconds(micro.pid);
  const r = await (await fetch(new URL(`/?stage=${stage}&n=${n}`, micro.url))).json();
  return { usPerEvent: ((cpuSeconds(micro.pid) - c0) * 1e6) / n, types: r.types };
}
const pipelineMicro = await microCpu("pipeline", 20_000);
const destMicro = await microCpu("destinations", 2_000);
const perType = {};
for (const t of destMicro.types) perType[t] = (await microCpu(t, 5_000)).usPerEvent;

const { sdkSize, SDK_GZIP_BUDGET } = await import("../scripts/sdk-size.ts");
const sdk = sdkSize();

await Promise.all([empty.mf.dispose(), tagwire.mf.dispose(), micro.mf.dispose()]);
sink.close();

// ---------------------------------------------------------------- report
const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
const added = ingestRun.cpuMsPerRequest - emptyRun.cpuMsPerRequest;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
const lines = [
  `Tagwire benchmark — ${new Date().toISOString()} — ${machine}`,
  "",
  "| Ingest on workerd (Miniflare) | req/s | CPU ms/request (workerd) | non-2xx |",
  "|---|---:|---:|---:|",
  `| empty Worker (204) | ${f(emptyRun.rps)} | ${f(emptyRun.cpuMsPerRequest, 3)} | ${emptyRun.failed} |`,
  `| POST P/e purchase: validate, enrich, dedupe (DO), enqueue | ${f(ingestRun.rps)} | ${f(ingestRun.cpuMsPerRequest, 3)} | ${ingestRun.failed} |`,
  "",
  `Throughput ratio (Tagwire / empty Worker): ${f(ingestRun.rps / emptyRun.rps, 2)}`,
  `CPU added per event over the empty Worker: ${f(added, 3)} ms (target ≤ 0.15 ms) — includes the queue consumer's delivery work running in the same process`,
  `Durable delivery: ${accepted} accepted, ${delivered} delivered to the live webhook sink${delivered < accepted ? " (timed out waiting for the rest)" : ""}`,
  "",
  "| Pipeline CPU inside workerd | µs/event |",
  "|---|---:|",
  `| validate + plan + enrich + canonicalize | ${f(pipelineMicro.usPerEvent, 1)} |`,
  `| map to all ${destMicro.types.length} destinations (gate + build, dry_run) | ${f(destMicro.usPerEvent, 1)} |`,
  ...Object.entries(perType).map(([t, us]) => `|   ${t} | ${f(us, 1)} |`),
  `| total (target ≤ 50) | ${f(pipelineMicro.usPerEvent + destMicro.usPerEvent, 1)} |`,
  "",
  `SDK s.js: ${sdk.raw} B raw, ${sdk.gzip} B gzip (budget ${SDK_GZIP_BUDGET} B gzip)`,
];
console.log(lines.join("\n"));
writeFileSync(join(out, "summary.md"), lines.join("\n") + "\n");
console.log(`\n(summary also in ${join(out, "summary.md")})`);

if (values.outage) {
  console.log("\noutage scenario (bench/outage.mjs, under wrangler dev):");
  await new Promise((resolve) => spawn(process.execPath, [join(root, "bench/outage.mjs")], { stdio: "inherit" }).on("exit", resolve));
}
process.exit(0);
