/** Shared by the ledger tests: a config whose destinations are unique to one test, and readers of the ledger views. */
import type { DayCounts, DestinationCounts } from "../../src/ledger/counts.ts";
import { BASE, bucket, call, configCopy, P, testEnv } from "../helpers/worker.ts";

export const ADMIN = { authorization: "Bearer admin_test_token_0123456789" };

/** Three destinations named for this test only: live (a webhook on the test double), dry (dry_run), only (never this event). */
export function ledgerConfig(patch?: (c: Record<string, any>) => void) {
  const tag = crypto.randomUUID().replace(/-/g, "").slice(0, 10);
  const b = bucket();
  const live = `live_${tag}`;
  const dry = `dry_${tag}`;
  const only = `only_${tag}`;
  const c = configCopy();
  c.destinations = {
    [live]: { type: "webhook", mode: "live", url: `${testEnv.DOUBLE_BASE}/${b}`, secret: "TEST_WEBHOOK_SECRET" },
    [dry]: { type: "webhook", mode: "dry_run", url: "https://hooks.example.com/x", secret: "TEST_WEBHOOK_SECRET" },
    [only]: { type: "webhook", mode: "live", url: `${testEnv.DOUBLE_BASE}/${b}-only`, secret: "TEST_WEBHOOK_SECRET", only_events: ["nothing_here"] },
  };
  patch?.(c);
  return { config: c, bucket: b, live, dry, only, all: [live, dry, only] };
}

export async function get(path: string, config: unknown, headers: Record<string, string> = ADMIN): Promise<Response> {
  return call(new Request(`${BASE}${P}${path}`, { headers }), { config });
}

export async function todayCounts(config: unknown): Promise<DayCounts> {
  const res = await get("/admin/counts", config);
  if (res.status !== 200) throw new Error(`counts answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { days: DayCounts[] };
  return body.days.at(-1)!;
}

const sum = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);

/** The identity the issue asks for, checked for one destination; returns the counts for further checks. */
export function identity(day: DayCounts, destination: string): DestinationCounts {
  const c = day.destinations[destination];
  if (!c) throw new Error(`no counts for ${destination}`);
  if (c.accepted !== c.delivered + sum(c.not_sent) + sum(c.dead) + sum(c.pending)) throw new Error(`counts do not add up for ${destination}: ${JSON.stringify(c)}`);
  return c;
}
