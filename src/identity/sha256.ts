/**
 * SHA-256 (FIPS 180-4) computed synchronously in JavaScript, for the short values Tagwire hashes on every event
 * (normalized emails and phones, ids, ledger and graph keys). Inside workerd a `crypto.subtle.digest` call costs
 * ≈ 5–6 µs whatever the length (a promise, buffers, a call into the runtime); this costs ≈ 1.5 µs for a value
 * under 56 bytes and grows ≈ 1.4 µs per further 64 bytes, so WebCrypto stays the faster choice for long inputs
 * (request bodies): see sha256Hex in ./hash.ts.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const encoder = new TextEncoder();

// Scratch space reused by every call (one isolate runs one call at a time, and nothing here awaits).
const W = new Int32Array(64);
const H = new Int32Array(8);
let block = new Uint8Array(512);

/** Room in `block` for a message of `len` bytes and its padding. */
function reserve(len: number): void {
  const total = ((len + 9 + 63) >> 6) << 6;
  if (block.length < total) block = new Uint8Array(total * 2);
}

/** Pads the message of `len` bytes at the start of `block`; answers the padded length, a multiple of 64. */
function pad(len: number): number {
  const total = ((len + 9 + 63) >> 6) << 6;
  block.fill(0, len, total);
  block[len] = 0x80;
  // Length in bits, big-endian, in the last 8 bytes.
  const hi = Math.floor(len / 0x20000000);
  const lo = (len << 3) >>> 0;
  for (let i = 0; i < 4; i++) {
    block[total - 8 + i] = (hi >>> (24 - 8 * i)) & 0xff;
    block[total - 4 + i] = (lo >>> (24 - 8 * i)) & 0xff;
  }
  return total;
}

/** Writes the UTF-8 of `text` at the start of `block`; answers its length in bytes. */
function write(text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      const utf8 = encoder.encode(text);
      reserve(utf8.length);
      block.set(utf8);
      return utf8.length;
    }
  }
  // ASCII (nearly every value hashed here): one byte per character, no encoder call.
  reserve(n);
  for (let i = 0; i < n; i++) block[i] = text.charCodeAt(i);
  return n;
}

/** Hashes the first `total` bytes of `block` into H. */
function compress(total: number): void {
  let h0 = 0x6a09e667 | 0, h1 = 0xbb67ae85 | 0, h2 = 0x3c6ef372 | 0, h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f | 0, h5 = 0x9b05688c | 0, h6 = 0x1f83d9ab | 0, h7 = 0x5be0cd19 | 0;
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      W[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15]!;
      const y = W[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  H[0] = h0;
  H[1] = h1;
  H[2] = h2;
  H[3] = h3;
  H[4] = h4;
  H[5] = h5;
  H[6] = h6;
  H[7] = h7;
}

/** SHA-256 of the UTF-8 text, as lowercase hex. */
export function sha256HexSync(text: string): string {
  compress(pad(write(text)));
  let s = "";
  for (let i = 0; i < 8; i++) {
    const x = H[i]!;
    s += HEX[(x >>> 24) & 0xff]! + HEX[(x >>> 16) & 0xff]! + HEX[(x >>> 8) & 0xff]! + HEX[x & 0xff]!;
  }
  return s;
}

/** SHA-256 of bytes, as 32 bytes. */
export function sha256Bytes(data: Uint8Array): Uint8Array {
  reserve(data.length);
  block.set(data);
  compress(pad(data.length));
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const x = H[i]!;
    out[i * 4] = x >>> 24;
    out[i * 4 + 1] = (x >>> 16) & 0xff;
    out[i * 4 + 2] = (x >>> 8) & 0xff;
    out[i * 4 + 3] = x & 0xff;
  }
  return out;
}
