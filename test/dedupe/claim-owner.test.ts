import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { ClaimRequest, Deduper } from "../../src/dedupe/Deduper.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";
import { testEnv } from "../helpers/worker.ts";

const HOUR = 3_600_000;
const stub = () => testEnv.DEDUPER.get(testEnv.DEDUPER.idFromName(`owner-${crypto.randomUUID()}`));
const keys = (...k: string[]) => k.map((key) => ({ key, ttl_ms: HOUR }));
const c = (token: string, k: string[], o: Partial<ClaimRequest> = {}): ClaimRequest => ({ token, keys: keys(...k), signed: false, holdMs: 0, ...o });
const ev = (id: string, source: CanonicalEvent["source"], value: number) =>
  ({
    event_id: id,
    name: "purchase_completed",
    source,
    received_at: "2026-11-30T00:00:00.000Z",
    anonymous_id: source === "server" ? null : "anon",
    session_id: null,
    user_id: null,
    user: {},
    value,
    properties: { order_id: "o1", value },
    page: { url: null, path: null, title: null, referrer: null },
    campaign: { source: null, medium: null, name: null, term: null, content: null },
    click_ids: source === "server" ? {} : { gclid: "g1", fbc: "fb.1.1.x" },
    context: { ip: source === "server" ? "10.0.0.1" : "203.0.113.9", user_agent: source, locale: null, geo: {}, device: {}, bot: false, cookies: {} },
    consent: { analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false },
  }) as unknown as CanonicalEvent;

it("lets the same token claim again (a redelivery) and refuses every other token, keeping none of a refused claim's keys", async () => {
  await runInDurableObject(stub(), async (d: Deduper) => {
    const now = Date.now();
    expect(await d.claim([c("a", ["id:1"])], now)).toEqual([{ token: "a", verdict: "admitted" }]);
    expect(await d.claim([c("a", ["id:1"])], now)).toEqual([{ token: "a", verdict: "admitted" }]);
    expect(await d.claim([c("b", ["bk:x", "id:1"])], now)).toEqual([{ token: "b", verdict: "duplicate", by: "a" }]);
    expect(d.size()).toBe(1);
    expect(await d.claim([c("c", ["bk:x"])], now)).toEqual([{ token: "c", verdict: "admitted" }]);
  });
});

it("admits a signed copy whose key only unsigned copies held, and refuses unsigned copies after it", async () => {
  await runInDurableObject(stub(), async (d: Deduper) => {
    const now = Date.now();
    await d.claim([c("fake", ["bk:o1"])], now);
    expect(await d.claim([c("server", ["bk:o1", "id:s"], { signed: true })], now)).toEqual([{ token: "server", verdict: "admitted", supersedes: "fake" }]);
    expect(await d.claim([c("again", ["bk:o1"])], now)).toEqual([{ token: "again", verdict: "duplicate", by: "server" }]);
    expect(await d.claim([c("signed2", ["bk:o1"], { signed: true })], now)).toEqual([{ token: "signed2", verdict: "duplicate", by: "server" }]);
  });
});

it("holds the first copy, merges later ones into it, and gives the merged event once the window ends", async () => {
  await runInDurableObject(stub(), async (d: Deduper) => {
    const now = Date.now();
    const browser = ev("evt_browser", "browser", 0.01);
    const server = ev("evt_server", "server", 129.99);
    const [held] = await d.claim([c("b", ["bk:o1", "id:evt_browser"], { holdMs: 30_000, event: browser })], now);
    expect(held).toEqual({ token: "b", verdict: "held", release_at: now + 30_000 });
    expect(await d.claim([c("s", ["bk:o1", "id:evt_server"], { holdMs: 30_000, event: server, signed: true })], now + 1)).toEqual([
      { token: "s", verdict: "merged", by: "b", into: "evt_browser" },
    ]);
    // A redelivery of the merged copy is merged again, not merged twice.
    expect(await d.claim([c("s", ["bk:o1", "id:evt_server"], { holdMs: 30_000, event: server, signed: true })], now + 2)).toEqual([
      { token: "s", verdict: "merged", by: "b", into: "evt_browser" },
    ]);
    // A copy sharing only the server's event_id finds the hold too.
    expect(await d.claim([c("s2", ["id:evt_server"], { holdMs: 30_000, event: server })], now + 3)).toEqual([{ token: "s2", verdict: "merged", by: "b", into: "evt_browser" }]);
    const out = d.take("b", "msg-1")!;
    expect(out.signed).toBe(true);
    expect(out.event).toMatchObject({ event_id: "evt_browser", value: 129.99, click_ids: { gclid: "g1", fbc: "fb.1.1.x" }, context: { ip: "203.0.113.9" } });
    expect(out.event.merged_from!.map((m) => [m.event_id, m.signed])).toEqual([
      ["evt_browser", false],
      ["evt_server", true],
    ]);
    // After release: the first copy's redelivery is done, later copies are duplicates.
    expect(await d.claim([c("b", ["bk:o1", "id:evt_browser"], { holdMs: 30_000, event: browser })], now + 40_000)).toEqual([{ token: "b", verdict: "done" }]);
    expect(await d.claim([c("late", ["bk:o1"], { holdMs: 30_000, event: browser, signed: true })], now + 40_000)).toEqual([
      { token: "late", verdict: "duplicate", by: "b", into: "evt_browser" },
    ]);
    // The same release message redelivered still finds the event; a second release message of this hold does not.
    expect(d.take("b", "msg-1")?.event.event_id).toBe("evt_browser");
    expect(d.take("b", "msg-2")).toBeNull();
  });
});
