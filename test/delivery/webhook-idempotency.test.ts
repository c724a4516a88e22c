/**
 * A webhook receiver slower than the 15 s timeout processed the batch, but Tagwire saw a timeout and retried:
 * the retry must carry the same events under the same Idempotency-Key, even when the retry is delivered
 * among other events and in another order, so a receiver that keys on it (or on each event_id) keeps one copy.
 */
import { expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { deliver, progressToCarry, type DeliveryDeps } from "../../src/delivery/deliver.ts";
import { idempotencyKey } from "../../src/destinations/webhook/index.ts";
import { NOW, purchaseEvent } from "../contracts/fixture.ts";

const evs = (from: number, n: number) => Array.from({ length: n }, (_, i) => purchaseEvent({ event_id: `evt_slow_${from + i}` }));

it("resends the 40 events of a timed-out request together, under the Idempotency-Key of the first try", async () => {
  const seen: { key: string; ids: string[] }[] = [];
  let slow = true;
  const d: DeliveryDeps = {
    cfg: Config.parse({ prefix: "", destinations: { hook: { type: "webhook", url: "https://hooks.example.com/in", secret: "HOOK_SECRET", max_batch: 50 } } }),
    secret: () => "whsec_test_0000",
    now: () => NOW,
    fetch: async (req) => {
      const body = JSON.parse(await req.text()) as { events: { event_id: string }[] };
      seen.push({ key: req.headers.get("idempotency-key")!, ids: body.events.map((e) => e.event_id) });
      if (slow) {
        slow = false;
        throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      }
      return new Response("{}");
    },
  };
  const first = await deliver("hook", evs(0, 40), d);
  expect(first.every((r) => r.kind === "retry")).toBe(true);

  // The retry comes back shuffled and mixed with 25 fresh events (the consumer regroups per destination).
  const retried = evs(0, 40).reverse();
  const mixed = [...evs(100, 10), ...retried.slice(0, 20), ...evs(200, 15), ...retried.slice(20)];
  const second = await deliver("hook", mixed, d, JSON.parse(JSON.stringify(progressToCarry(first))));
  expect(second.every((r) => r.kind === "ok")).toBe(true);

  expect(seen[1]!.key).toBe(seen[0]!.key);
  expect(new Set(seen[1]!.ids)).toEqual(new Set(seen[0]!.ids));
  // The fresh events went in their own request, under their own key.
  expect(seen.slice(2).flatMap((s) => s.ids).sort()).toEqual([...evs(100, 10), ...evs(200, 15)].map((e) => e.event_id).sort());
  expect(seen[2]!.key).not.toBe(seen[0]!.key);
});

it("keys one event by its event_id, and a set of events by their sorted ids whatever the order", async () => {
  expect(await idempotencyKey(["evt_a"])).toBe("evt_a");
  expect(await idempotencyKey(["evt_b", "evt_a"])).toBe(await idempotencyKey(["evt_a", "evt_b"]));
  expect(await idempotencyKey(["evt_a", "evt_b"])).not.toBe(await idempotencyKey(["evt_a", "evt_c"]));
});
