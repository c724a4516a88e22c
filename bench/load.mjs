#!/usr/bin/env node
/**
 * Load generator, run as its own process so it does not share an event loop with what it measures:
 *   node bench/load.mjs <url> <seconds> <concurrency> <kind: empty|purchase>
 * POSTs for a bounded time over keep-alive connections on loopback and prints one JSON line.
 */
import { Agent, request } from "node:http";

const [url, seconds, concurrency, kind] = process.argv.slice(2);
const u = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const deadline = Date.now() + Number(seconds) * 1000;
const run = Math.random().toString(36).slice(2, 8);
let ok = 0;
let failed = 0;
let seq = 0;
const statuses = {};

function body() {
  if (kind === "empty") return "{}";
  const n = ++seq;
  return JSON.stringify({
    name: "purchase_completed",
    event_id: `bench_${run}_${n}`,
    properties: {
      order_id: `ord_${run}_${n}`,
      value: 129.99,
      currency: "USD",
      items: [{ id: "sku_1", name: "Trail shoe", price: 129.99, quantity: 1 }],
    },
    page: {
      url: "https://shop.example.com/checkout/complete?utm_source=newsletter&utm_medium=email&gclid=Cj0KCQjw_bench",
      title: "Thank you",
      referrer: "https://shop.example.com/checkout",
    },
    user_id: `cus_${n % 1000}`,
    traits: { email: `buyer${n % 1000}@example.com`, phone: "+1 415 555 0100" },
    consent: { analytics_storage: "granted", ad_storage: "granted" },
  });
}

function once() {
  return new Promise((resolve) => {
    const data = body();
    const req = request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(data),
          origin: "https://shop.example.com",
          "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
          "accept-language": "en-US,en;q=0.9",
          "cf-connecting-ip": "203.0.113.10",
        },
      },
      (res) => {
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode < 300) ok++;
        else failed++;
        res.resume();
        res.on("end", resolve);
      },
    );
    req.on("error", () => {
      failed++;
      resolve();
    });
    req.end(data);
  });
}

async function worker() {
  while (Date.now() < deadline) await once();
}

const started = Date.now();
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
const elapsed = (Date.now() - started) / 1000;
agent.destroy();
console.log(JSON.stringify({ ok, failed, statuses, seconds: elapsed, rps: ok / elapsed }));
