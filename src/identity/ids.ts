/** Event and visitor ids: UUIDv7 generation and the check for client-supplied ids. */

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** RFC 9562 UUIDv7: 48-bit Unix ms timestamp, version and variant bits, the rest random. */
export function uuidv7(now: number = Date.now()): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  const ms = Math.floor(now);
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let s = "";
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
  }
  return s;
}

/** A client may bring its own id (a UUID, an order number): 8–64 URL-safe characters. */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{7,63}$/;

export function isValidClientId(id: unknown): id is string {
  return typeof id === "string" && CLIENT_ID.test(id);
}
