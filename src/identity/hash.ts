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

/** Hashes a normalized value unless it already is a SHA-256 hex digest (then lowercased, unchanged otherwise). */
export async function hashNormalized(normalized: string): Promise<string> {
  return isSha256Hex(normalized) ? normalized.toLowerCase() : sha256Hex(normalized);
}

export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}
