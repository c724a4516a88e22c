import { describe, expect, it } from "vitest";
import { BASE, P, bucket, call, configWithHook, scriptDouble, send } from "../helpers/worker.ts";

const TOKEN = "admin_test_token_0123456789";

async function statsFor(config: unknown, event: string) {
  const res = await call(new Request(`${BASE}${P}/admin/stats?event=${event}`, { headers: { authorization: `Bearer ${TOKEN}` } }), { config });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: Record<string, { totals: Record<string, number>; destinations: Record<string, Record<string, number>> }> }).events[event];
}

describe("counters per event and destination", () => {
  it("count received, invalid per field, deduped, delivered, consent-blocked and dead-lettered events", async () => {
    const b = bucket();
    const config = configWithHook(b);
    const name = "product_added";
    const ok = (id: string, extra: Record<string, unknown> = {}) => ({ name, event_id: id, properties: { product_id: `p_${id}`, price: 5 }, ...extra });
    const res = await send(
      {
        batch: [
          ok("evt_stats_00001"),
          ok("evt_stats_00002"),
          ok("evt_stats_00001"),
          { name, properties: { price: 5 } },
          ok("evt_stats_00003", { consent: { analytics_storage: "denied" } }),
        ],
      },
      { config },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ v: 2, accepted: 4 });
    await scriptDouble(b, [{ status: 400, body: '{"error":"bad"}' }]);
    await send(ok("evt_stats_00004"), { config });

    const s = (await statsFor(config, name))!;
    expect(s.totals).toMatchObject({ received: 6, deduped: 1, invalid: 1, "invalid:properties.product_id": 1 });
    expect(s.destinations.hook).toMatchObject({ delivered: 2, consent_blocked: 1, dead_lettered: 1 });
  });

  it("count events named like Object.prototype members (constructor, __proto__, toString) without breaking the stats", async () => {
    const b = bucket();
    const config = configWithHook(b);
    for (const name of ["constructor", "__proto__", "to_string", "has_own_property"]) {
      expect((await send({ name, event_id: `evt_${crypto.randomUUID()}` }, { config })).status).toBeLessThan(500);
    }
    const res = await call(new Request(`${BASE}${P}/admin/stats`, { headers: { authorization: `Bearer ${TOKEN}` } }), { config });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: Record<string, { totals: Record<string, number> }> };
    expect(body.events["constructor"]!.totals.received).toBeGreaterThanOrEqual(1);
  });

  it("answer 401 without the admin token and 400 for a malformed day", async () => {
    const no = await call(new Request(`${BASE}${P}/admin/stats`));
    expect(no.status).toBe(401);
    const bad = await call(new Request(`${BASE}${P}/admin/stats?since=yesterday`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ details: [{ path: "since" }] });
  });
});
