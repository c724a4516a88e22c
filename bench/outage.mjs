#!/usr/bin/env node
/**
 * Outage scenario: the destination answers 503 for a while, then recovers. Sends events (each one twice,
 * as an SDK retry would) through the full ingest path (dedupe + queue) of the Worker under `wrangler dev`,
 * and reports how many were sent, delivered once, duplicated and dead-lettered, and how long after the
 * destination came back delivery restarted (first request answered 200) and the backlog was drained.
 *   npm run bench:outage -- [--events 500] [--down-seconds 10] [--timeout-seconds 120]
 */
import { createServer } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`npm run bench:outage -- [--events 500] [--down-seconds 10] [--timeout-seconds 120]

Sends events through the Worker under wrangler dev while the destination answers 503, then recovers, and
reports how many were delivered once, duplicated and dead-lettered.`);
  process.exit(0);
}
const { values } = parseArgs({
  options: {
    events: { type: "string", default: "500" },
    "down-seconds": { type: "string", default: "10" },
    "timeout-seconds": { type: "string", default: "120" },
  },
});
const EVENTS = Number(values.events);
const DOWN_MS = Number(values["down-seconds"]) * 1000;
const TIMEOUT_MS = Number(values["timeout-seconds"]) * 1000;
const PER_REQUEST = 50;
const UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

// The destination double: 503 while down, counts copies of each event id while up.
let down = true;
let refused = 0;
let firstUpRequestAt = null;
const copies = new Map();
const double = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (down) {
      refused++;
      res.writeHead(503, { "content-type": "application/json" });
      return res.end('{"error":"down"}');
    }
    firstUpRequestAt ??= Date.now();
    for (const e of JSON.parse(body).events) copies.set(e.event_id, (copies.get(e.event_id) ?? 0) + 1);
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
});
await new Promise((r) => double.listen(0, "127.0.0.1", r));
const doublePort = double.address().port;

// Through `wrangler dev --env dev` (its simulated queue, Durable Objects and the dev queue settings from
// wrangler.toml). This scenario counts events, it does not time CPU, so the dev proxy's cost is irrelevant.
const config = {
  version: "outage",
  prefix: "/k7q",
  allowed_origins: ["https://shop.example.com"],
  plan: { unknown_events: "flag" },
  // One load generator is one client: per-client rate limits (wrangler.toml [[env.dev.ratelimits]]) would refuse it.
  rate_limits: { browser: false, pixel: false, conversions: false },
  destinations: { hook: { type: "webhook", mode: "live", url: `http://127.0.0.1:${doublePort}/hook`, secret: "HOOK_SECRET" } },
};
const PORT = Number(process.env.OUTAGE_PORT ?? 8795);
const BASE = `http://127.0.0.1:${PORT}/k7q`;
const wrangler = spawn(
  "npx",
  ["wrangler", "dev", "--env", "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--persist-to", mkdtempSync(join(tmpdir(), "tagwire-outage-")),
    "--var", `TAGWIRE_CONFIG:${JSON.stringify(config)}`, "--var", "HOOK_SECRET:bench_hook_secret", "--var", "TAGWIRE_ADMIN_TOKEN:bench_admin"],
  { env: { ...process.env, CLOUDFLARE_CF_FETCH_PATH: "./dev/cf.json" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
);
let log = "";
wrangler.stdout.on("data", (c) => (log += c));
wrangler.stderr.on("data", (c) => (log += c));
const stop = () => {
  try {
    process.kill(-wrangler.pid, "SIGTERM");
  } catch {}
};
for (let i = 0; i < 120 && !log.includes("Ready on"); i++) await new Promise((r) => setTimeout(r, 500));
if (!log.includes("Ready on")) {
  stop();
  console.error(log);
  throw new Error("wrangler dev did not start");
}

const started = Date.now();
const run = crypto.randomUUID().slice(0, 8);
const post = (batch) =>
  fetch(`${BASE}/e`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "https://shop.example.com", "user-agent": UA },
    body: JSON.stringify({ batch }),
  });
let sent = 0;
let answered503 = 0;
for (let copy = 0; copy < 2; copy++) {
  for (let i = 0; i < EVENTS; i += PER_REQUEST) {
    const batch = [];
    for (let n = i; n < Math.min(EVENTS, i + PER_REQUEST); n++) batch.push({ name: "order_paid", event_id: `${run}_${n}`, properties: { n } });
    const res = await post(batch);
    if (res.status === 503) answered503++;
    await res.arrayBuffer();
    sent += batch.length;
  }
}
const sentAt = Date.now() - started;

await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - sentAt)));
down = false;
const upAtClock = Date.now();
const upAt = upAtClock - started;
while (copies.size < EVENTS && Date.now() - started < upAt + TIMEOUT_MS) await new Promise((r) => setTimeout(r, 500));
const doneAt = Date.now() - started;
// A little longer, so copies that were about to arrive twice are counted.
await new Promise((r) => setTimeout(r, 2_000));

const deadRes = await fetch(`${BASE}/admin/dead-letters?limit=1000`, { headers: { authorization: "Bearer bench_admin" } });
const dead = (await deadRes.json()).dead_letters?.length ?? 0;
const duplicated = [...copies.values()].reduce((s, c) => s + (c - 1), 0);
console.log(
  JSON.stringify(
    {
      scenario: `destination down ${DOWN_MS / 1000} s, then up`,
      sent,
      unique_events: EVENTS,
      answered_503: answered503,
      refused_while_down: refused,
      delivered: copies.size,
      duplicated,
      dead_letters: dead,
      delivery_restarted_after_up_ms: firstUpRequestAt === null ? null : firstUpRequestAt - upAtClock,
      all_delivered_after_up_ms: copies.size === EVENTS ? doneAt - upAt : null,
    },
    null,
    2,
  ),
);
stop();
double.close();
process.exit(copies.size === EVENTS && duplicated === 0 ? 0 : 1);
