/**
 * What the ledger's endpoints do with their query parameters: a value they cannot use is a 400 naming the
 * parameter (never an empty answer that looks like "no events"), and what they answer has one shape.
 */
import { describe, expect, it } from "vitest";
import type { DayCounts } from "../../src/ledger/counts.ts";
import { queueFor } from "../helpers/queue.ts";
import { purchase, send, testEnv } from "../helpers/worker.ts";
import { get, ledgerConfig } from "./helpers.ts";

type Problem = { error: string; details: { path: string; message: string }[] };

async function refused(path: string, config: unknown): Promise<Problem["details"][number]> {
  const res = await get(path, config);
  expect(res.status, path).toBe(400);
  const b = (await res.json()) as Problem;
  expect(b.error).toBe("invalid_query");
  return b.details[0]!;
}

describe("P/inspector/events", () => {
  it("answers 400 naming source and its values for a source no event has", async () => {
    const t = ledgerConfig();
    const d = await refused("/inspector/events?source=s2s", t.config);
    expect(d.path).toBe("source");
    expect(d.message).toContain("browser, pixel, server");
  });

  it("gives each event's info as an object, as P/inspector/event does, and marks the plan's estimated values", async () => {
    const t = ledgerConfig();
    const o = { config: t.config, extraEnv: { DELIVERY_QUEUE: queueFor(t.config, testEnv) } };
    const lead = `evt_${crypto.randomUUID()}`;
    const buy = `evt_${crypto.randomUUID()}`;
    await send({ name: "lead_submitted", event_id: lead, properties: { lead_id: `l_${crypto.randomUUID()}` } }, o);
    await send(purchase({ event_id: buy, time: new Date().toISOString(), properties: { order_id: `o_${crypto.randomUUID()}`, value: 10, currency: "USD" } }), o);

    const res = await get(`/inspector/events?destination=${t.live}`, t.config);
    expect(res.status).toBe(200);
    const list = ((await res.json()) as { events: { event_id: string; info: unknown; value: number | null; estimated: boolean }[] }).events;
    const l = list.find((e) => e.event_id === lead)!;
    const b = list.find((e) => e.event_id === buy)!;
    expect(l.info).toMatchObject({ dedupe: "first copy" });
    expect([l.value, l.estimated]).toEqual([500, true]);
    expect([b.value, b.estimated]).toEqual([10, false]);

    const one = (await (await get(`/inspector/event?id=${lead}`, t.config)).json()) as { copies: { info: unknown; estimated: boolean }[] };
    expect(typeof one.copies[0]!.info).toBe("object");
    expect(l.info).toEqual(one.copies[0]!.info);
    expect(one.copies[0]!.estimated).toBe(true);
  });
});

describe("P/admin/counts", () => {
  it("filters by destination and by event name", async () => {
    const t = ledgerConfig();
    const o = { config: t.config, extraEnv: { DELIVERY_QUEUE: queueFor(t.config, testEnv) } };
    await send({ name: "lead_submitted", event_id: `evt_${crypto.randomUUID()}`, properties: { lead_id: `l_${crypto.randomUUID()}` } }, o);
    await send(purchase({ event_id: `evt_${crypto.randomUUID()}`, time: new Date().toISOString() }), o);

    const day = async (query: string) => {
      const res = await get(`/admin/counts?${query}`, t.config);
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { days: DayCounts[] }).days.at(-1)!;
    };
    const byDest = await day(`destination=${t.live}`);
    expect(Object.keys(byDest.destinations)).toEqual([t.live]);
    expect(byDest.destinations[t.live]).toMatchObject({ accepted: 2, delivered: 2 });
    for (const e of Object.values(byDest.events)) expect(Object.keys(e.destinations)).toEqual([t.live]);

    const both = await day(`destination=${t.live}&name=lead_submitted`);
    expect(Object.keys(both.events)).toEqual(["lead_submitted"]);
    expect(both.destinations[t.live]).toMatchObject({ accepted: 1, delivered: 1 });
  });

  it("answers 400 naming an unknown parameter, an unknown destination, and a day that does not exist", async () => {
    const t = ledgerConfig();
    expect(await refused("/admin/counts?event=purchase_completed", t.config)).toMatchObject({ path: "event" });
    const d = await refused("/admin/counts?destination=nope", t.config);
    expect(d.path).toBe("destination");
    expect(d.message).toContain(t.live);
    expect(await refused("/admin/counts?since=2026-02-30", t.config)).toEqual({ path: "since", message: "not a date: expected a day as YYYY-MM-DD" });
    expect(await refused("/admin/counts?since=2026-02-01&until=2026-13-01", t.config)).toMatchObject({ path: "until" });
  });
});

describe("P/admin/reconcile", () => {
  it("answers 400 naming an unknown parameter instead of ignoring it", async () => {
    const t = ledgerConfig();
    for (const q of ["sinse=2026-11-01", "since=2026-11-01&order_column=Order"]) {
      const res = await get(`/admin/reconcile?${q}`, t.config);
      expect(res.status, q).toBe(400);
      const path = q.includes("sinse") ? "sinse" : "order_column";
      expect(((await res.json()) as { details: { path: string; message: string }[] }).details[0]).toMatchObject({ path });
    }
    expect((await get("/admin/reconcile?since=2026-11-25&until=2026-11-30&order_id_column=Order", t.config)).status).toBe(200);
  });
});
