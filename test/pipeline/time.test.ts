/** An event's time is never rewritten: late and clock-skewed events are marked, each destination's window decides. */
import { describe, expect, it } from "vitest";
import { eligibility } from "../../src/destinations/eligibility.ts";
import { definitionOf } from "../../src/destinations/registry.ts";
import { bucket, configWithHook, doubleRequests, send } from "../helpers/worker.ts";
import { CONTRACTS } from "../contracts/index.ts";
import { contractConfig, runContract } from "../contracts/run.ts";
import { purchaseEvent } from "../contracts/fixture.ts";

const HOUR = 3_600_000;
let n = 0;
const lead = (time: string | number) => ({ name: "lead_submitted", event_id: `time_evt_${Date.now()}_${++n}`, time, properties: { lead_id: `l_${n}` } });

async function deliveredTo(hours: number | undefined, body: Record<string, unknown>) {
  const b = bucket();
  const res = await send(body, { config: configWithHook(b, (c) => hours !== undefined && (c.destinations.hook.freshness_hours = hours)) });
  expect(res.status).toBe(202);
  const sent = await doubleRequests(b);
  return sent.flatMap((r) => JSON.parse(r.body).events);
}

describe("event time", () => {
  it("keeps a 3-day-old client time unchanged, marks it late, and a 7-day window still sends it", async () => {
    const t = new Date(Date.now() - 72 * HOUR - 60_000).toISOString();
    const [e] = await deliveredTo(7 * 24, lead(t));
    expect(e.time).toBe(t);
    expect(e.time_status).toBe("late");
  });

  it("never sends an event already outside a destination's window (the webhook's 72 h)", async () => {
    const t = new Date(Date.now() - 72 * HOUR - 60_000).toISOString();
    expect(await deliveredTo(undefined, lead(t))).toEqual([]);
  });

  it("keeps a client time far ahead of the server's clock, marks it clock_skewed and sends it nowhere", async () => {
    const t = new Date(Date.now() + 72 * HOUR).toISOString();
    expect(await deliveredTo(7 * 24, lead(t))).toEqual([]);
  });

  it("refuses times outside 2000–2100 as invalid input naming the field", async () => {
    const res = await send(lead(1e20));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).details[0].path).toBe("time");
  });

  it("skips, with the reason, an event older than the destination's window at every adapter", async () => {
    for (const mod of CONTRACTS) {
      const def = definitionOf(mod.type);
      const old = purchaseEvent({ time: new Date(Date.parse("2026-06-01T12:00:01Z") - (def.freshnessHours + 1) * HOUR).toISOString() });
      const { requests, results } = await runContract(mod, [old]);
      expect(requests, mod.type).toHaveLength(0);
      expect(results[0]).toMatchObject({ kind: "skipped", reason: expect.stringContaining("outside freshness window") });
    }
  });

  it("decides the window from when the event was received, so a replay decides the same", () => {
    const mod = CONTRACTS.find((m) => m.type === "ga4")!;
    const cfg = contractConfig(mod);
    const dest = cfg.destinations.dest!;
    const e = purchaseEvent({ time: "2026-05-30T00:00:00.000Z", received_at: "2026-06-01T12:00:00.000Z" });
    expect(eligibility(cfg, "dest", dest, definitionOf("ga4"), e)).toMatchObject({ ok: true });
    const late = purchaseEvent({ time: "2026-05-28T00:00:00.000Z", received_at: "2026-06-01T12:00:00.000Z" });
    expect(eligibility(cfg, "dest", dest, definitionOf("ga4"), late)).toMatchObject({ ok: false });
  });
});
