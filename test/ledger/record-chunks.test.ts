import { expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import type { Env } from "../../src/env.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";
import { recordBatch } from "../../src/ledger/record.ts";
import type { EventResult } from "../../src/delivery/deliver.ts";
import { ledgerConfig } from "./helpers.ts";

it("splits a large batch's rows over several calls per shard, so no call nears the 32 MiB RPC limit", async () => {
  const t = ledgerConfig((c) => (c.ledger = { shards: 1 }));
  const cfg = Config.parse(t.config);
  const calls: number[] = [];
  const LEDGER = { idFromName: (n: string) => n, get: () => ({ record: async (_e: unknown[], o: unknown[]) => void calls.push(o.length) }) };
  const now = Date.now();
  const event = (i: number) => ({ event_id: `evt_${i}`, name: "page_viewed", received_at: new Date(now).toISOString() }) as CanonicalEvent;
  const units = Array.from({ length: 2_500 }, (_, i) => ({ event: event(i), destinations: [t.live], attempt: 1 }));
  const results = new Map([[t.live, new Map<string, EventResult>(units.map((u) => [u.event.event_id, { event_id: u.event.event_id, kind: "ok", status: 200 }]))]]);
  await recordBatch({ LEDGER, TAGWIRE_CONFIG: t.config } as unknown as Env, cfg, { admitted: [], released: [], units, results, retries: [], dead: [] }, now);
  expect(calls).toEqual([2_000, 500]);
});
