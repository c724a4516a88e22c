/**
 * Verifies a server-to-server request's signature: HMAC-SHA256 with the source's secret over
 * `<X-Tagwire-Timestamp>.<raw body>`, sent as `X-Tagwire-Signature: sha256=<lowercase hex>`. The timestamp
 * (Unix seconds) must be within ±300 s of now. Each failure has its own error code so a backend can tell a
 * clock problem from a wrong secret.
 */
import type { Config } from "../config/schema.ts";
import { hmacSha256Hex } from "../identity/hash.ts";
import { HttpError } from "../http/responses.ts";

export const WINDOW_SECONDS = 300;
export const SOURCE_HEADER = "X-Tagwire-Source";
export const TIMESTAMP_HEADER = "X-Tagwire-Timestamp";
export const SIGNATURE_HEADER = "X-Tagwire-Signature";

const encoder = new TextEncoder();

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqualText(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  // Compare equal-length buffers either way so the length check alone leaks nothing about the content.
  const same = x.byteLength === y.byteLength;
  return crypto.subtle.timingSafeEqual(x, same ? y : x) && same;
}

const unauthorized = (code: string, path: string, message: string) => new HttpError(401, code, [{ path, message }]);

export interface SignedHeaders {
  source: string;
  timestamp: number;
  signature: string;
}

/** Reads the three headers; throws 401 signature_missing naming the first one absent. */
export function signedHeaders(request: Request): SignedHeaders {
  for (const h of [SOURCE_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER]) {
    if (!request.headers.get(h)) throw unauthorized("signature_missing", h, "header required on server-to-server requests");
  }
  const ts = request.headers.get(TIMESTAMP_HEADER)!;
  if (!/^\d{1,12}$/.test(ts)) throw unauthorized("timestamp_invalid", TIMESTAMP_HEADER, "expected Unix seconds");
  return { source: request.headers.get(SOURCE_HEADER)!, timestamp: Number(ts), signature: request.headers.get(SIGNATURE_HEADER)! };
}

/** Resolves the source's secret value; throws 401 unknown_source when the source is not configured. */
export function sourceSecret(cfg: Config, source: string, secret: (name: string) => string | undefined): string {
  const src = Object.hasOwn(cfg.sources, source) ? cfg.sources[source] : undefined;
  if (!src) throw unauthorized("unknown_source", SOURCE_HEADER, `no source "${source.slice(0, 64)}" in the config's sources`);
  const value = secret(src.secret);
  // Without its secret a source cannot be verified; refuse rather than accept unsigned data.
  if (!value) throw unauthorized("unknown_source", SOURCE_HEADER, `source "${source}" has no secret bound (${src.secret})`);
  return value;
}

// Exactly this, ASCII only: no trimming, since String#trim also removes Unicode spaces (U+00A0, U+3000,
// U+FEFF), and a variant that still verified would look like a new signature to the replay check.
const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * The one spelling of a signature header value, `sha256=<64 lowercase hex>`, or undefined when the value is not
 * exactly that format. Replay checks key on this, so case variants of one signature are one signature.
 */
export function canonicalSignature(header: string): string | undefined {
  const m = SIGNATURE_FORMAT.exec(header);
  return m ? `sha256=${m[1]!.toLowerCase()}` : undefined;
}

export async function verifySignature(h: SignedHeaders, secret: string, rawBody: string, nowMs: number): Promise<void> {
  if (Math.abs(nowMs / 1000 - h.timestamp) > WINDOW_SECONDS) {
    throw unauthorized("timestamp_out_of_window", TIMESTAMP_HEADER, `must be within ±${WINDOW_SECONDS} s of the server's clock`);
  }
  const canonical = canonicalSignature(h.signature);
  if (!canonical) throw unauthorized("signature_invalid", SIGNATURE_HEADER, "expected exactly sha256=<64 hex characters>");
  const expected = await hmacSha256Hex(secret, `${h.timestamp}.${rawBody}`);
  if (!timingSafeEqualText(canonical.slice(7), expected)) {
    throw unauthorized("signature_invalid", SIGNATURE_HEADER, "does not match HMAC-SHA256(secret, timestamp + '.' + body)");
  }
}
