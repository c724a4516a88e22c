/**
 * The closed set of delivery outcomes and how an HTTP answer maps to one: 2xx ok; 408, 429, 5xx retry
 * (with Retry-After); 401/403 auth; other 4xx drop (the payload itself is wrong and retrying cannot help).
 */
import type { Outcome } from "./outcome.ts";

/** Seconds from a Retry-After header (delta-seconds or HTTP date), capped at a day. */
export function retryAfterSeconds(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v), 86_400);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), 86_400);
}

export function classifyStatus(status: number, headers: Headers, now: number, detail?: string): Outcome {
  const base = detail === undefined ? { status } : { status, detail };
  if (status >= 200 && status < 300) return { kind: "ok", ...base };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfter = retryAfterSeconds(headers.get("retry-after"), now);
    return retryAfter === undefined ? { kind: "retry", ...base } : { kind: "retry", retryAfter, ...base };
  }
  if (status === 401 || status === 403) return { kind: "auth", ...base };
  return { kind: "drop", ...base };
}

/** The default reading of a vendor's answer: its status alone, with the body (shortened) as detail on failure. */
export function classifyResponse(res: { status: number; headers: Headers; body: string }, now: number): Outcome {
  return classifyStatus(res.status, res.headers, now, res.status >= 300 ? res.body.slice(0, 2_000) : undefined);
}

/** A network failure or timeout: always worth retrying. */
export function networkFailure(err: unknown): Outcome {
  const msg = err instanceof Error ? err.message : String(err);
  return { kind: "retry", status: 0, detail: `network: ${msg.slice(0, 200)}` };
}

/**
 * A retry that says the destination itself is failing (408, 429, 5xx, network error, timeout), as opposed to
 * one we caused (our own pacing, an adapter that could not build the request): what marks a destination down.
 */
export function isOutage(o: { kind: string; status?: number; detail?: string }): boolean {
  if (o.kind !== "retry" || o.status === undefined) return false;
  if (o.status === 408 || o.status === 429 || o.status >= 500) return true;
  return o.status === 0 && (o.detail ?? "").startsWith("network:");
}
