#!/usr/bin/env node
/**
 * Load generator, run as its own process so it does not share an event loop with what it measures:
 *   node bench/load.mjs '<json spec>'      (or forked: each IPC message is a spec, each reply a result)
 * spec: { url, kind: "purchase" | "pageview" | "webcm", seconds, mode: "saturate", concurrency }
 *    or { url, kind, seconds, mode: "rate", rate }
 * "saturate" keeps `concurrency` keep-alive connections busy (closed loop) for a bounded time: the maximum rate.
 * "rate" starts requests on a fixed schedule (open loop) whatever the answers do, and times each one from its
 * scheduled start, so a stall shows in the latency instead of slowing the load down.
 * Loopback only. Answers ok, failed, statuses, seconds, rps, p50/p99/max latency in ms, and in "rate" mode the
 * generator's own p99 start lag (how late it sent requests: a busy machine delays the sender too) and the rate
 * of answers within the schedule's window (below the offered rate, the server or the sender fell behind).
 */
import { Agent, request } from "node:http";
import { pathToFileURL } from "node:url";

const run = Math.random().toString(36).slice(2, 8);
const UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const PAGE = "https://shop.example.com/checkout/complete?utm_source=newsletter&utm_medium=email&gclid=Cj0KCQjw_bench";
let seq = 0;

/**
 * One event, unique per request: a purchase as Tagwire's SDK posts it to P/e, or the same purchase as WebCM's
 * browser script sends it, or a page view (Tagwire).
 */
function body(kind) {
  const n = ++seq;
  if (kind === "pageview") {
    return JSON.stringify({
      name: "page_viewed",
      event_id: `bench_${run}_${n}`,
      page: { url: PAGE, title: "Thank you", referrer: "https://shop.example.com/checkout" },
      consent: { analytics_storage: "granted", ad_storage: "granted" },
    });
  }
  const order = `ord_${run}_${n}`;
  const item = { id: "sku_1", name: "Trail shoe", price: 129.99, quantity: 1 };
  if (kind === "webcm") {
    return JSON.stringify({
      payload: {
        event: "ecommerce",
        name: "Order Completed",
        ecommerce: { order_id: order, total: 129.99, currency: "USD", products: [{ product_id: item.id, ...item }] },
      },
      location: { href: PAGE },
      title: "Thank you",
      pageVars: {},
      timestamp: Date.now(),
      offset: 0,
    });
  }
  return JSON.stringify({
    name: "purchase_completed",
    event_id: `bench_${run}_${n}`,
    properties: { order_id: order, value: 129.99, currency: "USD", items: [item] },
    page: { url: PAGE, title: "Thank you", referrer: "https://shop.example.com/checkout" },
    user_id: `cus_${n % 1000}`,
    traits: { email: `buyer${n % 1000}@example.com`, phone: "+1 415 555 0100" },
    consent: { analytics_storage: "granted", ad_storage: "granted" },
  });
}

/** Runs one load spec to its end. */
export async function runLoad(spec) {
  const u = new URL(spec.url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(u.hostname)) throw new Error(`loopback only, not ${u.hostname}`);
  const SECONDS = Math.min(Number(spec.seconds), 60);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.mode === "rate" ? 64 : Number(spec.concurrency) });
  let ok = 0;
  let failed = 0;
  const statuses = {};
  const latencies = [];
  // How late the generator itself started requests (open loop): when this is large, so is every latency.
  const lags = [];
  let inTime = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;

  /** Sends one request; resolves when its answer has been read. `since` is when it should have started. */
  function once(since) {
    return new Promise((resolve) => {
      const data = body(spec.kind);
      const done = (status) => {
        const now = performance.now();
        if (now <= deadline) inTime++;
        latencies.push(now - since);
        if (status) statuses[status] = (statuses[status] ?? 0) + 1;
        if (status && status < 300) ok++;
        else failed++;
        resolve();
      };
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
            referer: PAGE,
            "user-agent": UA,
            "accept-language": "en-US,en;q=0.9",
            "cf-connecting-ip": "203.0.113.10",
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => done(res.statusCode));
        },
      );
      req.on("error", () => done(0));
      req.end(data);
    });
  }

  if (spec.mode === "rate") {
    const interval = 1000 / Number(spec.rate);
    const inFlight = new Set();
    let sent = 0;
    while (performance.now() < deadline) {
      // Start every request whose scheduled time has come; each is timed from that time, not from when it went out.
      const due = Math.floor((performance.now() - started) / interval);
      for (; sent <= due; sent++) {
        lags.push(performance.now() - (started + sent * interval));
        const p = once(started + sent * interval);
        inFlight.add(p);
        p.then(() => inFlight.delete(p));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 10_000))]);
  } else {
    const worker = async () => {
      while (performance.now() < deadline) await once(performance.now());
    };
    await Promise.all(Array.from({ length: Number(spec.concurrency) }, worker));
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return { ok, failed, statuses, seconds, rps: ok / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? NaN, lagP99: pct(lags, 99), answeredRate: inTime / SECONDS };
}

const main = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (main && process.send) {
  process.on("message", async (spec) => process.send(await runLoad(spec)));
  process.on("disconnect", () => process.exit(0)); // the runner is gone: stop sending
} else if (main && process.argv[2]) {
  console.log(JSON.stringify(await runLoad(JSON.parse(process.argv[2]))));
}
