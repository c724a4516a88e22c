/**
 * Developing with your own config: TAGWIRE_FORCE_DRY_RUN=1 runs any config (the bundled production file
 * included) with every destination in dry_run, down to the queue consumer, so the inspector shows what
 * production would send and nothing is sent; in development the 202 lists each event's plan violations.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { BASE, call, doubleRequests, P, purchase, send, testEnv } from "../helpers/worker.ts";
import { get, ledgerConfig } from "../ledger/helpers.ts";

const FORCE = { TAGWIRE_FORCE_DRY_RUN: "1" };
const ADMIN = { authorization: "Bearer admin_test_token_0123456789" };

async function health(env: Env) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${P}/health`, { headers: ADMIN }), env, ctx);
  await waitOnExecutionContext(ctx);
  return (await res.json()) as { status: string; destinations: { id: string; mode: string }[] };
}

/** A purchase of its own (its own order_id: another copy of one order would be deduped). */
const fresh = (id: string) => purchase({ event_id: id, time: new Date().toISOString(), properties: { order_id: `ord_${crypto.randomUUID()}`, value: 10, currency: "USD" } });
const unknownEvent = () => ({ name: "coupon_applied", event_id: `evt_${crypto.randomUUID()}`, properties: { code: "SPRING" } });

describe("TAGWIRE_FORCE_DRY_RUN", () => {
  it("runs the bundled production config (tagwire.config.toml) with every destination in dry_run", async () => {
    const noVar = { ...testEnv, TAGWIRE_CONFIG: undefined } as unknown as Env;
    expect((await health(noVar)).destinations.map((d) => d.mode)).toEqual(["live"]);
    const forced = await health({ ...noVar, ...FORCE } as Env);
    expect(forced.destinations.map((d) => [d.id, d.mode])).toEqual([["warehouse", "dry_run"]]);
    // Its secrets are not set locally, which a dry run does not need.
    expect(forced.status).toBe("ok");
  });

  it("reaches the consumer: a live destination gets nothing and the ledger records dry_run", async () => {
    const t = ledgerConfig((c) => (c.debug = false));
    const id = `evt_${crypto.randomUUID()}`;
    const res = await send(fresh(id), { config: t.config, extraEnv: FORCE });
    expect(res.status).toBe(202);
    expect(await doubleRequests(t.bucket)).toEqual([]);
    const r = await get(`/inspector/event?id=${id}`, t.config);
    const ev = (await r.json()) as { outcomes: { destination: string; reason: string }[] };
    if (!ev.outcomes) console.log("INSPECTOR", r.status, JSON.stringify(ev).slice(0, 500));
    expect(ev.outcomes.find((o) => o.destination === t.live)?.reason).toBe("dry_run");
    // The same config without the flag sends for real.
    await send(fresh(`evt_${crypto.randomUUID()}`), { config: t.config });
    expect(await doubleRequests(t.bucket)).toHaveLength(1);
  });

  it("shows on the inspector page that nothing is sent", async () => {
    const html = await (await call(new Request(`${BASE}${P}/inspector`), { extraEnv: FORCE })).text();
    expect(html).toContain("TAGWIRE_FORCE_DRY_RUN: every destination runs in dry_run");
    expect(await (await call(new Request(`${BASE}${P}/inspector`))).text()).not.toContain("TAGWIRE_FORCE_DRY_RUN");
  });
});

describe("plan violations in the 202", () => {
  it("are listed per event with debug = true", async () => {
    const first = unknownEvent();
    const res = await send({ batch: [purchase({ event_id: `evt_${crypto.randomUUID()}` }), first] });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ v: 2, accepted: 2 });
    expect(body.violations).toEqual([{ event_id: first.event_id, name: "coupon_applied", violations: [expect.objectContaining({ rule: "unknown_event" })] }]);
  });

  it("are listed in dry-run-forced mode without debug", async () => {
    const t = ledgerConfig((c) => (c.debug = false));
    const ev = unknownEvent();
    const body = (await (await send(ev, { config: t.config, extraEnv: FORCE })).json()) as Record<string, unknown>;
    expect(body.violations).toEqual([{ event_id: ev.event_id, name: "coupon_applied", violations: [expect.objectContaining({ rule: "unknown_event" })] }]);
  });

  it("are not in production's answer, whose shape is unchanged", async () => {
    const t = ledgerConfig((c) => (c.debug = false));
    const ev = unknownEvent();
    const body = (await (await send(ev, { config: t.config })).json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["accepted", "event_ids", "rejected", "v"]);
  });
});
