/**
 * SHA-256 as lowercase hex (short values in JavaScript, long ones through WebCrypto); values that already are
 * 64-hex hashes pass through.
 */
import { Recent } from "./recent.ts";
import { sha256HexSync } from "./sha256.ts";

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const encoder = new TextEncoder();
const SHA256_HEX = /^[0-9a-f]{64}$/i;

export function isSha256Hex(v: string): boolean {
  return SHA256_HEX.test(v);
}

export function toHex(buf: ArrayBuffer): string {
  const b = new Uint8Array(buf);
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/**
 * Up to this many characters (≤ 4 blocks of ASCII) the JavaScript digest is faster than a WebCrypto call
 * inside workerd (≈ 1.5 against ≈ 5 µs for an email, measured in the bench's workerd); beyond, WebCrypto is.
 */
const SYNC_MAX_CHARS = 200;

export async function sha256Hex(value: string): Promise<string> {
  if (value.length <= SYNC_MAX_CHARS) return sha256HexSync(value);
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

// One event's email is hashed for up to a dozen destinations, and a visitor's for each of their events. The
// consumer maps a batch (up to 100 events) destination by destination: a smaller memo forgot the first events
// before the next destination asked for them.
const recent = new Recent<string>(2048);

/** Hashes a normalized value unless it already is a SHA-256 hex digest (then lowercased, unchanged otherwise). */
export async function hashNormalized(normalized: string): Promise<string> {
  if (isSha256Hex(normalized)) return normalized.toLowerCase();
  return normalized.length <= SYNC_MAX_CHARS ? recent.get(normalized, () => sha256HexSync(normalized)) : sha256Hex(normalized);
}

// Importing a key costs more than signing with it; secrets change only on deploy.
const hmacKeys = new Map<string, ReturnType<typeof crypto.subtle.importKey>>();

export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  let key = hmacKeys.get(secret);
  if (!key) {
    if (hmacKeys.size >= 32) hmacKeys.clear();
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(secret, key);
  }
  return toHex(await crypto.subtle.sign("HMAC", await key, encoder.encode(message)));
}
