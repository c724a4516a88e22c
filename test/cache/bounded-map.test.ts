import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../src/cache/BoundedMap.ts";
import { RecentKeys } from "../../src/dedupe/recent.ts";

describe("BoundedMap", () => {
  it("forgets the oldest written entries beyond its capacity", () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ["a", "b", "c", "d", "e"].entries()) m.remember(k, i);
    expect(m.size).toBe(3);
    expect(["a", "b", "c", "d", "e"].map((k) => m.get(k))).toEqual([undefined, undefined, 2, 3, 4]);
  });

  it("counts a key written again as the newest", () => {
    const m = new BoundedMap<string, number>(3);
    m.remember("a", 1);
    m.remember("b", 2);
    m.remember("c", 3);
    m.remember("a", 10);
    m.remember("d", 4);
    expect(m.has("b")).toBe(false);
    expect(m.get("a")).toBe(10);
    expect(m.get("c")).toBe(3);
  });

  it("trims only when asked after set(), and a deleted key leaves no stale place behind", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1);
    m.set("b", 2);
    m.set("c", 3);
    expect(m.size).toBe(3);
    m.trim();
    expect([m.has("a"), m.has("b"), m.has("c")]).toEqual([false, true, true]);
    m.delete("b");
    m.remember("d", 4);
    m.remember("e", 5);
    expect([m.has("c"), m.has("d"), m.has("e")]).toEqual([false, true, true]);
  });

  it("stays bounded and correct over many rewrites of few keys and many new keys", () => {
    const m = new BoundedMap<number, number>(100);
    for (let i = 0; i < 20_000; i++) m.remember(i % 150 < 50 ? i % 50 : i, i);
    expect(m.size).toBe(100);
    // The newest 100 writes are exactly what is kept.
    const kept = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const k = i % 150 < 50 ? i % 50 : i;
      kept.delete(k);
      kept.set(k, i);
    }
    const newest = [...kept].slice(-100);
    for (const [k, v] of newest) expect(m.get(k)).toBe(v);
  });
});

describe("RecentKeys", () => {
  it("forgets the keys claimed longest ago once over capacity, so their events may go again", () => {
    const r = new RecentKeys(2);
    const key = (k: string) => [{ key: k, ttl_ms: 60_000 }];
    expect(r.claim(key("a"), "e1", false, 0)).toBe(true);
    expect(r.claim(key("b"), "e2", false, 0)).toBe(true);
    expect(r.claim(key("a"), "e3", false, 1)).toBe(false);
    expect(r.claim(key("c"), "e4", false, 1)).toBe(true);
    expect(r.claim(key("a"), "e5", false, 2)).toBe(true);
    expect(r.claim(key("c"), "e6", false, 2)).toBe(false);
  });
});
