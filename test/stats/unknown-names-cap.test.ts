import { expect, it } from "vitest";
import { MAX_UNKNOWN_NAMES, OTHER_UNKNOWN } from "../../src/stats/count.ts";
import { BASE, P, call, configWithHook, bucket, send } from "../helpers/worker.ts";

const TOKEN = "admin_test_token_0123456789";

it("counts at most MAX_UNKNOWN_NAMES invented event names a day and folds the rest into one row", async () => {
  const config = configWithHook(bucket());
  const run = crypto.randomUUID().replace(/-/g, "").slice(0, 8);
  const names = Array.from({ length: MAX_UNKNOWN_NAMES + 50 }, (_, i) => `invented_${run}_${i}`);
  for (let i = 0; i < names.length; i += 50) {
    const res = await send({ batch: names.slice(i, i + 50).map((name) => ({ name, event_id: `evt_${crypto.randomUUID()}` })) }, { config });
    expect(res.status).toBe(202);
  }
  const res = await call(new Request(`${BASE}${P}/admin/stats`, { headers: { authorization: `Bearer ${TOKEN}` } }), { config });
  const body = (await res.json()) as { events: Record<string, { totals: Record<string, number> }> };
  const flagged = Object.entries(body.events).filter(([, e]) => (e.totals["flagged:unknown_event"] ?? 0) > 0).map(([n]) => n);
  // Every distinct unknown name of the day, from this test or others in this isolate, stays within the cap.
  expect(flagged.filter((n) => n !== OTHER_UNKNOWN).length).toBeLessThanOrEqual(MAX_UNKNOWN_NAMES);
  expect(body.events[OTHER_UNKNOWN]!.totals.received).toBeGreaterThanOrEqual(50);
});
