/** Calls the Worker's own fetch handler inside workerd, with the test config or a variant of it. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index.ts";
import type { Env } from "../../src/env.ts";
import { inlineQueue } from "./queue.ts";

export const P = "/k7q";
export const BASE = "https://t.shop.example.com";
export const ORIGIN = "https://shop.example.com";
export const CHROME_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
export const US_CF = { country: "US", city: "San Francisco", region: "California", regionCode: "CA", postalCode: "94107", latitude: "37.78", longitude: "-122.39", timezone: "America/Los_Angeles", continent: "NA", asn: 13335, colo: "SFO" };

export const testEnv = env as unknown as Env & { DOUBLE_BASE: string; TAGWIRE_CONFIG: Record<string, any> };

/** The test config, deep-copied, for tests that change it. */
export function configCopy(): Record<string, any> {
  return structuredClone(testEnv.TAGWIRE_CONFIG);
}

export interface CallOptions {
  config?: unknown;
  extraEnv?: Record<string, unknown>;
  /** Wait for waitUntil work (deliveries) before returning. Default true. */
  settle?: boolean;
  /**
   * "inline" (default): deliveries run in this call through the queue handler with this call's config
   * (test/helpers/queue.ts). "real": the deployed queue binding, consumed asynchronously with the bound config.
   */
  queue?: "inline" | "real";
}

export async function call(request: Request, opts: CallOptions = {}): Promise<Response> {
  const e = { ...testEnv, ...(opts.config !== undefined ? { TAGWIRE_CONFIG: opts.config } : {}) } as Env;
  if (opts.queue !== "real") e.DELIVERY_QUEUE = inlineQueue(() => e) as unknown as Env["DELIVERY_QUEUE"];
  Object.assign(e, opts.extraEnv);
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, e, ctx);
  if (opts.settle !== false) await waitOnExecutionContext(ctx);
  return res;
}

export interface SendOptions extends CallOptions {
  headers?: Record<string, string>;
  cf?: Record<string, unknown>;
  contentType?: string;
}

export function ingestRequest(body: unknown, o: SendOptions = {}): Request {
  return new Request(`${BASE}${P}/e`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: {
      "content-type": o.contentType ?? "application/json",
      origin: ORIGIN,
      "user-agent": CHROME_UA,
      "cf-connecting-ip": "203.0.113.10",
      "accept-language": "en-US,en;q=0.9",
      ...o.headers,
    },
    cf: (o.cf ?? US_CF) as IncomingRequestCfProperties,
  });
}

export function send(body: unknown, o: SendOptions = {}): Promise<Response> {
  return call(ingestRequest(body, o), o);
}

export function setCookies(res: Response): string[] {
  return res.headers.getSetCookie();
}

export function cookie(res: Response, name: string): string | undefined {
  return setCookies(res).find((c) => c.startsWith(`${name}=`));
}

/** Requests the test double recorded under `bucket`. */
export async function doubleRequests(bucket: string): Promise<{ method: string; path: string; query: string; headers: Record<string, string>; body: string }[]> {
  const res = await fetch(`${testEnv.DOUBLE_BASE}/__requests/${bucket}`);
  return res.json();
}

export async function scriptDouble(bucket: string, answers: { status: number; body?: string; headers?: Record<string, string>; times?: number }[]) {
  await fetch(`${testEnv.DOUBLE_BASE}/__script/${bucket}`, { method: "POST", body: JSON.stringify(answers) });
}

/** A fresh bucket name so parallel tests never see each other's requests. */
export function bucket(): string {
  return `b${crypto.randomUUID().replace(/-/g, "")}`;
}

/** The test config with its live webhook pointed at a fresh bucket. */
export function configWithHook(b: string, patch?: (c: Record<string, any>) => void): Record<string, any> {
  const c = configCopy();
  c.destinations.hook.url = `${testEnv.DOUBLE_BASE}/${b}`;
  patch?.(c);
  return c;
}

export const purchase = (extra: Record<string, unknown> = {}) => ({
  name: "purchase_completed",
  event_id: "evt_purchase_0001",
  // A minute ago: events keep their own time, and each destination skips what is older than its window.
  time: new Date(Date.now() - 60_000).toISOString(),
  properties: { order_id: "ord_1001", value: 129.99, currency: "USD", items: [{ id: "sku_1", quantity: 1, price: 129.99 }] },
  page: { url: "https://shop.example.com/checkout/complete?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=Cj0KCQjw_test", title: "Thank you", referrer: "https://shop.example.com/checkout" },
  ...extra,
});
