import { describe, expect, it } from "vitest";
import { hmacSha256HexSync } from "../../src/identity/hmacSync.ts";
import { hmacSha256Hex } from "../../src/identity/hash.ts";

describe("synchronous HMAC-SHA256", () => {
  it("matches WebCrypto for short, block-sized, long and non-ASCII keys and messages", async () => {
    const keys = ["k", "key_0123456789", "x".repeat(64), "y".repeat(65), "schlüssel✓"];
    const messages = ["", "user_42", "a".repeat(55), "b".repeat(56), "c".repeat(64), "d".repeat(200), "üser✓😀"];
    for (const k of keys) for (const m of messages) expect(hmacSha256HexSync(k, m), `${k} ${m}`).toBe(await hmacSha256Hex(k, m));
  });
});
