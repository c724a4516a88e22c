import { expect, it } from "vitest";
import { doubleRequests, ingestRequest } from "../helpers/worker.ts";
import { waitFor } from "../helpers/wait.ts";
import { viaWorker } from "../helpers/real.ts";

const EVENTS = 10_000;
const PER_REQUEST = 100;

async function delivered(run: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const r of await doubleRequests("bulk")) {
    for (const e of JSON.parse(r.body).events as { event_id: string }[]) if (e.event_id.startsWith(run)) ids.add(e.event_id);
  }
  return ids;
}

it("delivers all of 10,000 distinct events through the real queue and dedupes none", async () => {
  const run = `evt_${crypto.randomUUID().slice(0, 8)}_`;
  const sends = [];
  for (let r = 0; r < EVENTS / PER_REQUEST; r++) {
    const batch = Array.from({ length: PER_REQUEST }, (_, i) => {
      const n = r * PER_REQUEST + i;
      return { name: "bulk_probe_sent", event_id: `${run}${n}`, properties: { n } };
    });
    sends.push(viaWorker<{ accepted: number }>(ingestRequest({ batch })));
  }
  const answers = await Promise.all(sends);
  expect(answers.every((a) => a.status === 202 && a.body.accepted === PER_REQUEST)).toBe(true);
  const ids = await waitFor(() => delivered(run), (s) => s.size >= EVENTS, 120_000);
  expect(ids.size).toBe(EVENTS);
  const copies = (await doubleRequests("bulk")).flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).filter((e) => e.event_id.startsWith(run)));
  expect(copies.length).toBe(EVENTS);
}, 240_000);
