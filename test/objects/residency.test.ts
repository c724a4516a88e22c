/**
 * `residency = "eu"`: every Durable Object Tagwire addresses is created through the namespace's
 * jurisdiction("eu"). workerd has no jurisdictions (its jurisdiction() throws), so the bindings are wrapped:
 * the wrapper records how each object is addressed and hands the real namespace back in place of the EU one.
 */
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env.ts";
import { objectIn, residencyOf, type ObjectBinding } from "../../src/objects/locate.ts";
import { BASE, P, bucket, call, configWithHook, doubleRequests, purchase, scriptDouble, send, testEnv } from "../helpers/worker.ts";

const TOKEN = "admin_test_token_0123456789";

// Every object binding, checked by the compiler: a binding added to Env without being listed here fails typecheck.
const BINDINGS = {
  DEBUG_LOG: true,
  DEDUPER: true,
  DEAD_LETTERS: true,
  STATS: true,
  RATE_LIMITER: true,
  BACKLOG: true,
  IDENTITY: true,
  LEDGER: true,
  ALERTS: true,
} satisfies Record<ObjectBinding, true>;
const ALL = Object.keys(BINDINGS) as ObjectBinding[];

/** The test env with each object binding wrapped; `seen` maps a binding to how it was addressed ("eu", or "none" for directly). */
function recordingEnv() {
  const seen = new Map<string, Set<string>>();
  const note = (b: string, how: string) => seen.set(b, (seen.get(b) ?? new Set()).add(how));
  const wrapped: Record<string, unknown> = {};
  for (const b of ALL) {
    const ns = testEnv[b] as unknown as DurableObjectNamespace;
    wrapped[b] = {
      jurisdiction: (j: string) => (note(b, j), ns),
      idFromName: (n: string) => (note(b, "none"), ns.idFromName(n)),
      newUniqueId: () => (note(b, "none"), ns.newUniqueId()),
      idFromString: (s: string) => (note(b, "none"), ns.idFromString(s)),
      getByName: (n: string) => (note(b, "none"), ns.getByName(n)),
      get: (id: DurableObjectId) => ns.get(id),
    };
  }
  return { seen, wrapped, env: { ...testEnv, ...wrapped } as unknown as Env };
}

// The Worker's own sources, as text: no object may be addressed around the helper.
const sources = import.meta.glob("../../src/**/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

describe("residency", () => {
  it("has one place that addresses objects: no idFromName, getByName or newUniqueId outside src/objects/locate.ts", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const around = Object.entries(sources).filter(([path, text]) => !path.endsWith("/objects/locate.ts") && /\.(idFromName|idFromString|getByName|newUniqueId)\(/.test(text));
    expect(around.map(([path]) => path)).toEqual([]);
  });

  it("addresses every object binding through jurisdiction(\"eu\") when residency is eu", () => {
    const r = recordingEnv();
    const env = { ...r.env, TAGWIRE_CONFIG: { ...testEnv.TAGWIRE_CONFIG, residency: "eu" } } as Env;
    for (const b of ALL) objectIn(env, b, "probe");
    expect(Object.fromEntries([...r.seen].map(([b, how]) => [b, [...how]]))).toEqual(Object.fromEntries(ALL.map((b) => [b, ["eu"]])));
  });

  it("addresses objects directly without residency, so the objects of a config without it stay the same", () => {
    const r = recordingEnv();
    for (const b of ALL) objectIn(r.env, b, "probe");
    expect([...r.seen.values()].every((how) => [...how].join() === "none")).toBe(true);
    expect(r.seen.size).toBe(ALL.length);
  });

  it("refuses to address an object when the config is broken rather than create it outside the jurisdiction", () => {
    const env = { ...testEnv, TAGWIRE_CONFIG: { prefix: 42 } } as unknown as Env;
    expect(() => objectIn(env, "DEDUPER", "shard-0")).toThrow(/jurisdiction/);
    expect(() => residencyOf(env)).toThrow(/config invalid/);
  });

  it("still works on local workerd, which has no jurisdictions: the object is local and answers", async () => {
    const env = { ...testEnv, TAGWIRE_CONFIG: { ...testEnv.TAGWIRE_CONFIG, residency: "eu" } } as Env;
    expect(() => testEnv.DEBUG_LOG.jurisdiction("eu")).toThrow(/not implemented in workerd/);
    expect(await objectIn(env, "DEBUG_LOG", `local-${crypto.randomUUID()}`).list("event", 1)).toEqual([]);
  });

  it("sends, dedupes a conversion, delivers, dead-letters and counts with every object in the EU jurisdiction", async () => {
    const b = bucket();
    const config = configWithHook(b, (c) => (c.residency = "eu"));
    const r = recordingEnv();
    const extraEnv = r.wrapped;
    const order = `ord_${crypto.randomUUID()}`;
    const copy = purchase({ event_id: `evt_${crypto.randomUUID()}`, properties: { order_id: order, value: 42, currency: "USD" } });

    expect((await send(copy, { config, extraEnv })).status).toBe(202);
    // The same purchase again: deduped in the (EU) Deduper, not delivered twice.
    expect((await send(copy, { config, extraEnv })).status).toBe(202);
    const delivered = (await doubleRequests(b)).flatMap((q) => (JSON.parse(q.body).events as { event_id: string }[]).map((e) => e.event_id));
    expect(delivered).toEqual([copy.event_id]);

    // A vendor refusal becomes a dead letter, kept in the (EU) dead-letter store.
    await scriptDouble(b, [{ status: 400, body: '{"error":"bad"}' }]);
    const refused = `evt_${crypto.randomUUID()}`;
    await send(purchase({ event_id: refused, properties: { order_id: `ord_${crypto.randomUUID()}`, value: 1, currency: "USD" } }), { config, extraEnv });
    const dead = await call(new Request(`${BASE}${P}/admin/dead-letters`, { headers: { authorization: `Bearer ${TOKEN}` } }), { config, extraEnv });
    expect(dead.status).toBe(200);
    expect(JSON.stringify(await dead.json())).toContain(refused);

    // Counters are read back from the (EU) Stats shards.
    const stats = await call(new Request(`${BASE}${P}/admin/stats?event=purchase_completed`, { headers: { authorization: `Bearer ${TOKEN}` } }), { config, extraEnv });
    expect(stats.status).toBe(200);
    const totals = ((await stats.json()) as { events: Record<string, { totals: Record<string, number> }> }).events.purchase_completed!.totals;
    expect(totals.deduped).toBeGreaterThanOrEqual(1);

    // Every object touched on the way went through jurisdiction("eu"), and none was addressed directly.
    const how = Object.fromEntries([...r.seen].map(([k, v]) => [k, [...v]]));
    for (const binding of ["DEDUPER", "STATS", "LEDGER", "IDENTITY", "DEBUG_LOG", "DEAD_LETTERS"]) expect(how[binding], binding).toEqual(["eu"]);
    expect(Object.values(how).flat()).not.toContain("none");
  });
});
