import { expect, it } from "vitest";
import { doubleRequests, ingestRequest } from "../helpers/worker.ts";
import { waitFor } from "../helpers/wait.ts";
import { viaWorker } from "../helpers/real.ts";

const COPIES = 1_000;

async function deliveredIds(bucket: string, id: string): Promise<string[]> {
  const reqs = await doubleRequests(bucket);
  return reqs.flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).map((e) => e.event_id)).filter((x) => x === id);
}

it("forwards exactly one of 1,000 simultaneous copies of one conversion sent through the Worker and the real queue", async () => {
  const id = `evt_burst_${crypto.randomUUID()}`;
  const event = { name: "burst_probe_sent", event_id: id, properties: { n: 1 } };
  const answers = await Promise.all(
    Array.from({ length: COPIES }, () => viaWorker<{ accepted: number }>(ingestRequest(event))),
  );
  // Each copy is validated and durably queued; dedupe happens behind the queue.
  expect(answers.every((a) => a.status === 202 && a.body.accepted === 1)).toBe(true);
  const got = await waitFor(() => deliveredIds("burst", id), (ids) => ids.length >= 1);
  // Give a second copy, were there one, the time to arrive too.
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await deliveredIds("burst", id)).length).toBe(1);
  expect(got).toEqual([id]);
}, 120_000);
