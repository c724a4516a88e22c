/** SHA-256 through WebCrypto, as lowercase hex; values that already are 64-hex hashes pass through. */

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

export async function sha256Hex(value: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

// One event's email is hashed for up to a dozen destinations, and a visitor's for each of their events: keep
// the last few hundred digests (isolate memory only; never stored or logged).
const MEMO_MAX = 512;
const memo = new Map<string, string>();

/** Hashes a normalized value unless it already is a SHA-256 hex digest (then lowercased, unchanged otherwise). */
export async function hashNormalized(normalized: string): Promise<string> {
  if (isSha256Hex(normalized)) return normalized.toLowerCase();
  const hit = memo.get(normalized);
  if (hit !== undefined) return hit;
  const digest = await sha256Hex(normalized);
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
  memo.set(normalized, digest);
  return digest;
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
