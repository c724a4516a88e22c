import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/identity/hash.ts";
import { sha256Bytes, sha256HexSync } from "../../src/identity/sha256.ts";

const encoder = new TextEncoder();
const webCrypto = async (bytes: Uint8Array) => {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
};

describe("synchronous SHA-256", () => {
  it("gives the FIPS 180-4 digests of the standard vectors", () => {
    expect(sha256HexSync("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256HexSync("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256HexSync("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("matches WebCrypto at every padding boundary, for ASCII and multi-byte text", async () => {
    for (const unit of ["a", "é", "✓", "😀"]) {
      for (let n = 0; n <= 300; n++) {
        const text = unit.repeat(n);
        expect(sha256HexSync(text), `${JSON.stringify(unit)} × ${n}`).toBe(await webCrypto(encoder.encode(text)));
      }
    }
  });

  it("matches WebCrypto on bytes, and after a long input has grown its buffer", async () => {
    const long = new Uint8Array(5000).map((_, i) => (i * 31) & 0xff);
    const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    expect(hex(sha256Bytes(long))).toBe(await webCrypto(long));
    expect(sha256HexSync("jane.doe@example.com")).toBe(await webCrypto(encoder.encode("jane.doe@example.com")));
  });

  it("sha256Hex answers the same digest below and above the length where it switches to WebCrypto", async () => {
    for (const n of [199, 200, 201, 1000]) {
      const text = `tagwire:${"x".repeat(n)}`;
      expect(await sha256Hex(text)).toBe(await webCrypto(encoder.encode(text)));
    }
  });
});
