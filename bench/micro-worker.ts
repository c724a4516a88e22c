/**
 * Pipeline micro-benchmark, run inside workerd by bench/run.mjs (timers are frozen inside a Worker, so the
 * runner reads the workerd process's CPU time around each call): GET /?stage=pipeline|destinations|<type>&n=N
 * runs N iterations of validate + plan + enrich + canonicalize on one realistic purchase, or of mapping a
 * purchase for every registered destination (delivery's gating + build(), dry_run, no network).
 *
 * Mapping works on events prepared beforehand (GET /?stage=prepare&n=N, untimed): each iteration takes the next
 * one, a separate object with its own customer (email, phone, user id), as the consumer sees them. Mapping the
 * same object N times would time caches (per-event memos, the digest memo) instead of the work. `same=1` maps
 * one event N times, as the bench did before 2026-12-01; `batch=K` hands each destination K events per call, as
 * the consumer does with a queue batch.
 */
import { Config } from "../src/config/schema.ts";
import { deliver } from "../src/delivery/deliver.ts";
import { DESTINATIONS } from "../src/destinations/registry.ts";
import { runPipeline } from "../src/pipeline/index.ts";


const settings: Record<string, Record<string, unknown>> = {
  webhook: { url: "https://hooks.example.com/x", secret: "S" },
  hubspot: { token: "S", portal_id: "12345678", behavioral_events: true },
  salesforce: { method: "rest", instance_url: "https://acme.my.salesforce.com", client_id: "S", client_secret: "S" },
  linkedin: { access_token: "S" },
  snapchat: { pixel_id: "pix", access_token: "S" },
  pinterest: { ad_account_id: "549755885175", conversion_token: "S" },
  reddit: { ad_account_id: "t2_abc", conversion_token: "S" },
  meta: { pixel_id: "1234567890123456", access_token: "S" },
  ga4: { measurement_id: "G-ABC123XYZ9", api_secret: "S" },
  tiktok: { pixel_code: "CPIX", access_token: "S" },
  google_ads: { customer_id: "1234567890", developer_token: "S", client_id: "S", client_secret: "S", refresh_token: "S" },
  segment: { write_key: "S" },
  posthog: { api_key: "S" },
  mixpanel: { project_id: "1", project_token: "S" },
  amplitude: { api_key: "S" },
};
/** The vendor name of a purchase at each destination (a conversion id where the vendor wants one). */
const vendorName: Record<string, string> = { google_ads: "555000111", salesforce: "Lead", linkedin: "1234567", pinterest: "checkout", reddit: "Purchase", meta: "Purchase", tiktok: "Purchase", ga4: "purchase" };

const destinations: Record<string, unknown> = {};
for (const d of DESTINATIONS) destinations[d.type] = { type: d.type, mode: "dry_run", ...(settings[d.type] ?? {}) };
const parsed = Config.safeParse({
  prefix: "/k7q",
  allowed_origins: ["https://shop.example.com"],
  plan: {
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
        destinations: Object.fromEntries(DESTINATIONS.map((d) => [d.type, vendorName[d.type] ?? "purchase_completed"])),
      },
    },
  },
  destinations,
});
if (!parsed.success) {
  console.error(JSON.stringify(parsed.error.issues.slice(0, 5)));
  process.exit(1);
}
const cfg = parsed.data;

const body = (n: number) => ({
  name: "purchase_completed",
  event_id: `bench_evt_${n}`,
  properties: { order_id: `ord_${n}`, value: 129.99, currency: "USD", items: [{ id: "sku_1", name: "Trail shoe", price: 129.99, quantity: 1 }] },
  page: { url: "https://shop.example.com/checkout/complete?utm_source=newsletter&gclid=Cj0KCQjw_bench", title: "Thank you", referrer: "https://shop.example.com/checkout" },
  user_id: `cus_${n}`,
  // A different customer per event (n = 0 is the bench's historical one).
  traits: { email: n ? `Jane.Doe+${n}@Example.com` : "Jane.Doe@Example.com", phone: `+1 (415) 555-${String(n % 10_000).padStart(4, "0")}`, first_name: "Jane", last_name: "Doe" },
  consent: { analytics_storage: "granted", ad_storage: "granted" },
});
const CF = { country: "US", city: "San Francisco", region: "California", regionCode: "CA", postalCode: "94107", latitude: "37.78", longitude: "-122.39", timezone: "America/Los_Angeles", continent: "NA", asn: 13335, colo: "SFO" };
const request = new Request("https://t.shop.example.com/k7q/e", {
  method: "POST",
  headers: {
    "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "cf-connecting-ip": "203.0.113.10",
    "accept-language": "en-US,en;q=0.9",
    cookie: "tw_id=01970a5e-2f00-7000-8000-000000000001; tw_sid=1780315000; _fbp=fb.1.1780000000000.1098115397",
  },
  cf: CF as unknown as IncomingRequestCfProperties,
});

function pipelineOnce(n: number, now = Date.now()) {
  // The body as the route sees it: parsed JSON text.
  const items = [JSON.parse(JSON.stringify(body(n)))];
  return runPipeline({ cfg, items, batch: false, source: "browser", request, now });
}

const event = pipelineOnce(0).events[0]!;
/** Events for the mapping stages, one per iteration (GET /?stage=prepare). */
let pool: typeof event[] = [];
const deps = { cfg, secret: () => "bench-secret-value", fetch: async () => new Response("{}"), now: () => Date.now() };

export default {
  async fetch(req: Request): Promise<Response> {
    const q = new URL(req.url).searchParams;
    const stage = q.get("stage") ?? "pipeline";
    const n = Number(q.get("n") ?? 1000);
    let done = 0;
    if (stage === "pipeline") {
      for (let i = 0; i < n; i++) done += pipelineOnce(i).events.length;
    } else if (stage === "requests") {
      // Every request built for n events (secrets redacted), under a fixed clock: two builds of Tagwire that
      // answer the same bytes here map the same way (an optimisation must not change a payload byte).
      const at = Date.parse("2026-12-01T00:00:00.000Z");
      const recorded: unknown[] = [];
      const fixed = { ...deps, now: () => at, record: (r: { at?: string }) => void recorded.push({ ...r, at: undefined }) };
      for (let i = 0; i < n; i++) for (const d of DESTINATIONS) await deliver(d.type, [pipelineOnce(i, at).events[0]!], fixed);
      const batch = Array.from({ length: n }, (_, i) => pipelineOnce(i, at).events[0]!);
      for (const d of DESTINATIONS) await deliver(d.type, batch, fixed);
      return Response.json(recorded);
    } else if (stage === "prepare") {
      // Offset past the events already used, so no digest of an earlier run is still remembered.
      const from = Number(q.get("from") ?? 1);
      pool = [];
      for (let i = 0; i < n; i++) pool.push(pipelineOnce(from + i).events[0]!);
      done = pool.length;
    } else {
      const same = q.get("same") === "1";
      // batch=K: K events per deliver() call, as the consumer hands a destination its batch's events.
      const size = Math.max(1, Number(q.get("batch") ?? 1));
      if (!same && pool.length < n) return new Response(`prepare ${n} events first`, { status: 400 });
      const types = stage === "destinations" ? DESTINATIONS.map((d) => d.type) : [stage];
      for (let i = 0; i < n; i += size) {
        const events = same ? [event] : pool.slice(i, Math.min(n, i + size));
        for (const t of types) {
          const rs = await deliver(t, events, deps);
          done += rs.filter((r) => r.kind === "ok").length;
          if (q.get("debug")) return Response.json(rs);
        }
      }
    }
    return Response.json({ stage, n, done, types: DESTINATIONS.map((d) => d.type) });
  },
};
