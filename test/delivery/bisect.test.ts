/**
 * One bad row never takes its siblings with it: a batch the vendor refuses as a whole is split in halves and
 * resent until the refused events stand alone. Meta, TikTok and the webhook, each with a vendor double that
 * refuses any request holding the bad event.
 */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { deliver, type DeliveryDeps, type EventResult } from "../../src/delivery/deliver.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";
import { NOW, purchaseEvent } from "../contracts/fixture.ts";

const events = (n: number): CanonicalEvent[] => Array.from({ length: n }, (_, i) => purchaseEvent({ event_id: `evt_batch_${String(i).padStart(4, "0")}` }));

/** Ids of the events a request carries, whatever the vendor's body shape. */
function idsIn(body: string): string[] {
  const b = JSON.parse(body) as { data?: { event_id: string }[]; events?: { event_id: string }[] };
  return (b.data ?? b.events ?? []).map((e) => e.event_id);
}

function vendor(bad: (id: string) => boolean, refuse: () => Response) {
  const requests: string[][] = [];
  const fetch = async (req: Request) => {
    const ids = idsIn(await req.text());
    requests.push(ids);
    return ids.some(bad) ? refuse() : Response.json({ events_received: ids.length, code: 0, message: "OK" });
  };
  return { requests, fetch };
}

function deps(destinations: Record<string, unknown>, fetch: (r: Request) => Promise<Response>): DeliveryDeps {
  return { cfg: Config.parse({ prefix: "", destinations }), secret: (n) => `${n.toLowerCase()}-value-0000`, now: () => NOW, fetch };
}

const kinds = (rs: EventResult[]) => {
  const out = new Map<string, number>();
  for (const r of rs) out.set(r.kind, (out.get(r.kind) ?? 0) + 1);
  return Object.fromEntries(out);
};

const META = { ads: { type: "meta", pixel_id: "1234567890", access_token: "META_TOKEN" } };
const TIKTOK = { ads: { type: "tiktok", pixel_code: "CPIXEL", access_token: "TIKTOK_TOKEN" } };
const HOOK = { hook: { type: "webhook", url: "https://hooks.example.com/in", secret: "HOOK_SECRET", max_batch: 100 } };
const metaRefusal = () => Response.json({ error: { code: 100, message: "Invalid parameter", fbtrace_id: "A1" } }, { status: 400 });

describe("a batch refused as a whole", () => {
  it("Meta: one bad row of 1,000 is dead-lettered alone; the 999 others are delivered", async () => {
    const v = vendor((id) => id === "evt_batch_0613", metaRefusal);
    const rs = await deliver("ads", events(1000), deps(META, v.fetch));
    expect(kinds(rs)).toEqual({ ok: 999, drop: 1 });
    expect(rs.find((r) => r.kind === "drop")).toMatchObject({ event_id: "evt_batch_0613", status: 400, detail: expect.stringContaining("code 100") });
    // Halving finds it in about 2 × log2(1000) requests, not 1,000.
    expect(v.requests.length).toBeLessThanOrEqual(21);
    const delivered = new Set(v.requests.filter((ids) => !ids.includes("evt_batch_0613")).flat());
    expect(delivered.size).toBe(999);
  });

  it("TikTok: a 200 answer with code 40002 for the batch isolates the two bad events", async () => {
    const bad = new Set(["evt_batch_0003", "evt_batch_0041"]);
    const v = vendor((id) => bad.has(id), () => Response.json({ code: 40002, message: "Invalid value for event_time", request_id: "r1" }));
    const rs = await deliver("ads", events(64), deps(TIKTOK, v.fetch));
    expect(kinds(rs)).toEqual({ ok: 62, drop: 2 });
    expect(rs.filter((r) => r.kind === "drop").map((r) => r.event_id).sort()).toEqual([...bad]);
  });

  it("webhook: a 422 for the batch delivers every good event and dead-letters only the bad one", async () => {
    const v = vendor((id) => id === "evt_batch_0007", () => new Response('{"error":"unprocessable"}', { status: 422 }));
    const rs = await deliver("hook", events(50), deps(HOOK, v.fetch));
    expect(kinds(rs)).toEqual({ ok: 49, drop: 1 });
  });

  it("when every row is refused (a wrong pixel id), gives up isolating after a bounded number of requests and retries the rest rather than dead-letter them", async () => {
    const v = vendor(() => true, metaRefusal);
    const rs = await deliver("ads", events(1000), deps(META, v.fetch));
    expect(v.requests.length).toBeLessThanOrEqual(1 + 64);
    // Only an event refused on its own is dead-lettered; the others are retried later.
    const alone = new Set(v.requests.filter((ids) => ids.length === 1).map((ids) => ids[0]));
    for (const r of rs) {
      if (r.kind === "drop") expect(alone.has(r.event_id)).toBe(true);
      else expect(r.kind).toBe("retry");
    }
    expect(kinds(rs).retry).toBeGreaterThan(900);
  });

  it("HubSpot: a batch upsert refused for one invalid email upserts the other contacts", async () => {
    const emails = ["a@example.com", "jane@rejected.invalid", "c@example.com", "d@example.com"];
    const evs = emails.map((email, i) => purchaseEvent({ event_id: `evt_hs_${i}`, user: { email } }));
    const upserted: string[][] = [];
    const fetch = async (req: Request) => {
      const inputs = (JSON.parse(await req.text()) as { inputs: { id: string }[] }).inputs.map((i) => i.id);
      if (inputs.some((id) => !id.includes("@example.com"))) return Response.json({ status: "error", category: "VALIDATION_ERROR" }, { status: 400 });
      upserted.push(inputs);
      return Response.json({ results: inputs.map((email, i) => ({ id: String(i), properties: { email } })) });
    };
    const rs = await deliver("crm", evs, deps({ crm: { type: "hubspot", token: "HS_TOKEN" } }, fetch));
    expect(Object.fromEntries(rs.map((r) => [r.event_id, r.kind]))).toEqual({ evt_hs_0: "ok", evt_hs_1: "drop", evt_hs_2: "ok", evt_hs_3: "ok" });
    expect(upserted.flat().sort()).toEqual(["a@example.com", "c@example.com", "d@example.com"]);
  });

  it("does not split a batch the vendor refused for a reason that retrying can fix (503)", async () => {
    const v = vendor(() => true, () => new Response("down", { status: 503 }));
    const rs = await deliver("ads", events(10), deps(META, v.fetch));
    expect(v.requests).toHaveLength(1);
    expect(kinds(rs)).toEqual({ retry: 10 });
  });
});
