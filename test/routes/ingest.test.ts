import { describe, expect, it } from "vitest";
import { bucket, configWithHook, cookie, doubleRequests, purchase, send } from "../helpers/worker.ts";

describe("POST P/e", () => {
  it("accepts one valid event with 202 and forwards it to the live webhook", async () => {
    const b = bucket();
    const res = await send(purchase(), { config: configWithHook(b) });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: unknown[]; event_ids: string[] };
    expect(body).toMatchObject({ accepted: 1, rejected: [], event_ids: ["evt_purchase_0001"] });
    const sent = await doubleRequests(b);
    expect(sent).toHaveLength(1);
    const events = JSON.parse(sent[0]!.body).events;
    expect(events[0]).toMatchObject({ event_id: "evt_purchase_0001", name: "purchase_completed", value: 129.99, currency: "USD" });
    expect(cookie(res, "tw_id")).toBeDefined();
  });
});
