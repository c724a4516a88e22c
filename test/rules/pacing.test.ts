import { describe, expect, it } from "vitest";
import { Pacer } from "../../src/delivery/pacing.ts";

const LIMIT = { requests: 190, perSeconds: 10 };

describe("request pacing", () => {
  it("lets a burst up to the limit through at once, then spaces requests at the refill rate", () => {
    const p = new Pacer();
    const waits = Array.from({ length: 192 }, () => p.reserve("hs", LIMIT, 0));
    expect(waits.slice(0, 190).every((w) => w === 0)).toBe(true);
    // 190 per 10 s = one slot every 52.6 ms.
    expect(waits[190]).toBe(53);
    expect(waits[191]).toBe(106);
  });
  it("refills over time and keeps destinations apart", () => {
    const p = new Pacer();
    for (let i = 0; i < 190; i++) p.reserve("hs", LIMIT, 0);
    expect(p.reserve("other", LIMIT, 0)).toBe(0);
    expect(p.reserve("hs", LIMIT, 10_000)).toBe(0);
  });
  it("gives back a slot that was not used", () => {
    const p = new Pacer();
    for (let i = 0; i < 190; i++) p.reserve("hs", LIMIT, 0);
    expect(p.reserve("hs", LIMIT, 0)).toBeGreaterThan(0);
    p.release("hs");
    p.release("hs");
    expect(p.reserve("hs", LIMIT, 0)).toBe(0);
  });
});
