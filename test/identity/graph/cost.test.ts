/** The graph's cost in the consumer: which events reach a Durable Object, and how the calls are batched. */
import { expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.ts";
import type { Env } from "../../../src/env.ts";
import type { CanonicalEvent } from "../../../src/event/canonical.ts";
import type { GraphOp, GraphResult } from "../../../src/identity/graph/IdentityGraph.ts";
import { forgetIdentityMemo, identify } from "../../../src/identity/graph/identify.ts";
import { purchaseEvent } from "../../contracts/fixture.ts";
import { testEnv } from "../../helpers/worker.ts";

/** An IDENTITY namespace that records every call and answers like an empty graph. */
function countingGraph() {
  const calls: GraphOp[][] = [];
  const ns = {
    idFromName: (n: string) => n,
    get: () => ({
      run: async (ops: GraphOp[]): Promise<GraphResult[]> => {
        calls.push(ops);
        return ops.map((o) => (o.op === "resolve" ? { kind: "root", root: o.key, exists: false } : { kind: "ok", state: null }));
      },
    }),
  };
  return { calls, env: { ...testEnv, IDENTITY: ns } as unknown as Env };
}

const cfg = () => {
  const loaded = loadConfig(testEnv.TAGWIRE_CONFIG);
  if (!loaded.ok) throw new Error("test config invalid");
  return loaded.config;
};

const pageView = (anon: string, session: string, i: number): CanonicalEvent => ({
  ...purchaseEvent(),
  event_id: `pv_${anon}_${i}`,
  name: "page_viewed",
  source: "browser",
  anonymous_id: anon,
  session_id: session,
  user_id: null,
  user: {},
  properties: {},
  page: { url: `https://shop.example.com/p${i}`, path: null, title: null, referrer: null },
});

it("sends page views of a session already observed nowhere: one call per shard for a batch of session starts", async () => {
  forgetIdentityMemo();
  const { calls, env } = countingGraph();
  const units = Array.from({ length: 100 }, (_, i) => ({ event: pageView(`anon_${i % 25}_cost`, "1780315200", i), attempt: 0 }));
  await identify(cfg(), env, units, Date.now());
  // 25 visitors starting a session: observed once each, in one call per shard touched, no resolve hop.
  const ops = calls.flat();
  expect(ops.every((o) => o.op === "observe")).toBe(true);
  expect(ops).toHaveLength(25);
  expect(calls.length).toBeLessThanOrEqual(8);
  // The same sessions' next page views cost nothing.
  calls.length = 0;
  await identify(cfg(), env, units.map((u, i) => ({ ...u, event: { ...u.event, event_id: `next_${i}` } })), Date.now());
  expect(calls).toHaveLength(0);
});

it("leaves retries, replays, events without analytics consent and bots out of the graph", async () => {
  forgetIdentityMemo();
  const { calls, env } = countingGraph();
  const e = pageView("anon_skip_cost", "1780315201", 1);
  await identify(cfg(), env, [
    { event: e, attempt: 1 },
    { event: e, attempt: 0, replayed_at: Date.now() },
    { event: { ...e, consent: { ...e.consent, analytics: false } }, attempt: 0 },
    { event: { ...e, context: { ...e.context, bot: true } }, attempt: 0 },
  ], Date.now());
  expect(calls).toHaveLength(0);
});
