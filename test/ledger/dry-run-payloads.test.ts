import { expect, it } from "vitest";
import { send } from "../helpers/worker.ts";
import { get, ledgerConfig } from "./helpers.ts";

it("shows what a dry_run destination would have been sent in the inspector without debug, and never a live request's payload", async () => {
  const t = ledgerConfig((c) => (c.debug = false));
  const id = `evt_${crypto.randomUUID()}`;
  await send({ name: "lead_submitted", event_id: id, properties: { lead_id: "l1" } }, { config: t.config });
  const res = await get(`/inspector/event?id=${id}`, t.config);
  expect(res.status).toBe(200);
  const ev = (await res.json()) as { debug?: { events: unknown[]; requests: { destination: string; mode: string }[] } };
  expect(ev.debug?.events).toEqual([]);
  expect(ev.debug?.requests.map((r) => [r.destination, r.mode])).toEqual([[t.dry, "dry_run"]]);
});
