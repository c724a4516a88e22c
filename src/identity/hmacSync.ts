/**
 * HMAC-SHA256 computed synchronously (RFC 2104, over ./sha256.ts). The ingest pipeline is pure and synchronous, and
 * WebCrypto is async only; verifying a user id's signature there (a few µs for a short id) keeps it so.
 */
import { sha256Bytes as sha256 } from "./sha256.ts";

const encoder = new TextEncoder();

const hex = (bytes: Uint8Array) => {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
};

/** HMAC-SHA256(key, message) as lowercase hex. */
export function hmacSha256HexSync(key: string, message: string): string {
  let k = encoder.encode(key);
  if (k.length > 64) k = sha256(k);
  const block = new Uint8Array(64);
  block.set(k);
  const msg = encoder.encode(message);
  const ipad = new Uint8Array(64 + msg.length);
  const opad = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    ipad[i] = block[i]! ^ 0x36;
    opad[i] = block[i]! ^ 0x5c;
  }
  ipad.set(msg, 64);
  opad.set(sha256(ipad), 64);
  return hex(sha256(opad));
}

/** Compares two equal-length hex strings without stopping at the first difference. */
export function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
