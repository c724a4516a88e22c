import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { deliver, type RecordedRequest } from "../../src/delivery/deliver.ts";
import { purchaseEvent } from "../contracts/fixture.ts";

const config = (mode: string) =>
  Config.parse({
    prefix: "",
    destinations: { hook: { type: "webhook", mode, url: "https://hooks.example.com/x", secret: "HOOK_SECRET" } },
  });

describe("a destination whose secret is not set", () => {
  it("sends nothing live and reports auth, naming the secret, so the events are dead-lettered for replay", async () => {
    let fetched = 0;
    const results = await deliver("hook", [purchaseEvent()], {
      cfg: config("live"),
      secret: () => undefined,
      now: () => Date.parse("2026-06-01T12:05:00Z"),
      fetch: async () => (fetched++, new Response("{}")),
    });
    expect(fetched).toBe(0);
    expect(results).toEqual([
      { event_id: "evt_purchase_0001", kind: "auth", status: 0, detail: "secret HOOK_SECRET is not set (wrangler secret put HOOK_SECRET)" },
    ]);
  });

  it("still records an unsigned request in dry_run, so the demo shows payloads without credentials", async () => {
    const recorded: RecordedRequest[] = [];
    const results = await deliver("hook", [purchaseEvent()], {
      cfg: config("dry_run"),
      secret: () => undefined,
      now: () => Date.parse("2026-06-01T12:05:00Z"),
      fetch: async () => new Response("{}"),
      record: (r) => void recorded.push(r),
    });
    expect(results[0]).toMatchObject({ kind: "ok", detail: "dry_run" });
    expect(recorded[0]!.request.headers["tagwire-signature"]).toBe("t=1780315500,v1=unsigned");
  });
});
