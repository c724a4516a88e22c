import { expect, it } from "vitest";
import type { QueueMessage } from "../../src/queue/messages.ts";
import { bucket, configWithHook, doubleRequests, testEnv } from "../helpers/worker.ts";
import { queueFor } from "../helpers/queue.ts";

it("delivers a version 1 message (one event, queued before packing existed) after the deploy, without dedupe", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const q = queueFor(config, testEnv);
  const id = `evt_v1_${crypto.randomUUID()}`;
  const event = {
    event_id: id,
    name: "lead_submitted",
    time: new Date().toISOString(),
    received_at: new Date().toISOString(),
    source: "browser",
    anonymous_id: "anon_v1",
    session_id: null,
    user_id: null,
    properties: { lead_id: "l1" },
    value: 500,
    currency: "USD",
    value_kind: "estimated",
    page: { url: null, path: null, title: null, referrer: null },
    campaign: { source: null, medium: null, name: null, term: null, content: null },
    click_ids: {},
    user: {},
    context: { ip: null, user_agent: null, locale: null, geo: {}, device: { type: "desktop", os: null, browser: null }, bot: false, cookies: {} },
    consent: { analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false },
  };
  const v1 = { v: 1, event, destinations: ["hook"], attempt: 0 } as unknown as QueueMessage;
  const result = await q.run([v1, v1]);
  expect(result.ackAll).toBe(true);
  const ids = (await doubleRequests(b)).flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).map((e) => e.event_id));
  // Two copies of one v1 message in a batch: sent once (one event per destination per batch).
  expect(ids).toEqual([id]);
});
