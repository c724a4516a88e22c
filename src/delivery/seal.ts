/**
 * Encrypts dead letters at rest: AES-256-GCM with a key derived (HKDF-SHA-256) from a Worker secret. Hashing
 * would not do: a replay to HubSpot or Salesforce needs the raw email back. Each sealed value names the key
 * it was sealed with (a fingerprint, not the key), so a rotated key can still open older rows, and is bound to
 * its row (additional data), so a sealed payload cannot be moved to another row.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const SALT = enc.encode("tagwire/dead-letters");
const VERSION = "v1";

export interface SealingKey {
  /** Fingerprint of the key: 16 hex characters, derived separately, revealing nothing about the key. */
  kid: string;
  key: CryptoKey;
}

// Derivation is slow-ish and the secret does not change within an isolate.
const cache = new Map<string, Promise<SealingKey>>();

async function derive(secret: string): Promise<SealingKey> {
  const ikm = await crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, ["deriveKey", "deriveBits"]);
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: SALT, info: enc.encode(`${VERSION} aes-gcm-256`) },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  const kidBits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: SALT, info: enc.encode(`${VERSION} key id`) }, ikm, 64);
  return { kid: [...new Uint8Array(kidBits)].map((b) => b.toString(16).padStart(2, "0")).join(""), key };
}

export function sealingKey(secret: string): Promise<SealingKey> {
  let k = cache.get(secret);
  if (!k) {
    k = derive(secret);
    cache.set(secret, k);
  }
  return k;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** `v1.<kid>.<iv>.<ciphertext>`, base64 parts. `aad` ties the value to its row. */
export async function seal(plain: string, k: SealingKey, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(aad) }, k.key, enc.encode(plain));
  return `${VERSION}.${k.kid}.${toBase64(iv)}.${toBase64(new Uint8Array(ct))}`;
}

/** The key id a sealed value names, or undefined when it is not a sealed value. */
export function kidOf(sealed: string): string | undefined {
  const parts = sealed.split(".");
  return parts.length === 4 && parts[0] === VERSION ? parts[1] : undefined;
}

/** Opens a sealed value with whichever of `keys` sealed it; undefined when none did or it was tampered with. */
export async function unseal(sealed: string, keys: readonly SealingKey[], aad: string): Promise<string | undefined> {
  const [version, kid, iv, ct] = sealed.split(".");
  const k = keys.find((x) => x.kid === kid);
  if (version !== VERSION || !k || !iv || !ct) return undefined;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: enc.encode(aad) }, k.key, fromBase64(ct));
    return dec.decode(plain);
  } catch {
    return undefined;
  }
}
