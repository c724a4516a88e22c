/**
 * Reconciliation with a CRM export (test/ledger/fixtures/crm-orders.csv, its day moved to today): orders the
 * CRM has that Tagwire never received, orders Tagwire delivered that the CRM lacks, value mismatches, and
 * totals per destination.
 */
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/ledger/csv.ts";
import { parseAmount, readCrm, type CrmComparison, type DestinationTotals, type ReconcileRow } from "../../src/ledger/reconcile.ts";
import { queueFor } from "../helpers/queue.ts";
import { BASE, call, P, purchase, send, testEnv } from "../helpers/worker.ts";
import { ADMIN, ledgerConfig } from "./helpers.ts";
import fixture from "./fixtures/crm-orders.csv?raw";

const today = new Date().toISOString().slice(0, 10);
const csv = fixture.replaceAll("2026-11-30", today);
const COLS = "order_id_column=Order%20Number&amount_column=Total&date_column=Created%20At";

describe("reading a CRM export", () => {
  it("reads quoted fields, escaped quotes and thousands separators", () => {
    expect(parseCsv('a,"b, c","d ""e"""\r\n1,2,3\n')).toEqual([["a", "b, c", 'd "e"'], ["1", "2", "3"]]);
    expect([parseAmount("1,250.00"), parseAmount("€49,90"), parseAmount("$12"), parseAmount("n/a")]).toEqual([1250, 49.9, 12, undefined]);
  });

  it("names the missing column and each unreadable row", () => {
    expect(readCrm(csv, { order_id: "Order", amount: "Total", date: "Created At" }).problems[0]).toMatchObject({ path: "order_id_column" });
    const r = readCrm(csv, { order_id: "Order Number", amount: "Total", date: "Created At" });
    expect(r.orders.map((o) => o.order_id)).toEqual(["R-1001", "R-1002", "R-1004", "R-0999"]);
    expect(r.problems).toEqual([{ path: "line 6", message: 'amount "n/a" is not a number' }]);
  });
});

describe("P/admin/reconcile", () => {
  it("lists what differs between the CRM and what Tagwire accepted and delivered", async () => {
    const t = ledgerConfig();
    const q = queueFor(t.config, testEnv);
    const now = new Date().toISOString();
    for (const [order, value] of [["R-1001", 1250], ["R-1002", 50], ["R-1003", 20]] as const) {
      await send(purchase({ event_id: `evt_${crypto.randomUUID()}`, time: now, properties: { order_id: order, value, currency: "USD" } }), { config: t.config, extraEnv: { DELIVERY_QUEUE: q } });
    }
    const res = await call(new Request(`${BASE}${P}/admin/reconcile?since=${today}&until=${today}&${COLS}`, { method: "POST", headers: { ...ADMIN, "content-type": "text/csv" }, body: csv }), { config: t.config });
    expect(res.status).toBe(200);
    const b = (await res.json()) as { events: ReconcileRow[]; totals: Record<string, DestinationTotals>; crm: CrmComparison };

    const mine = b.events.filter((e) => t.all.some((d) => d in e.outcomes));
    expect(mine.map((e) => [e.order_id, e.value, e.outcomes[t.live], e.outcomes[t.dry], e.outcomes[t.only]])).toEqual([
      ["R-1001", 1250, "delivered", "dry_run", "rule_skipped"],
      ["R-1002", 50, "delivered", "dry_run", "rule_skipped"],
      ["R-1003", 20, "delivered", "dry_run", "rule_skipped"],
    ]);
    expect(b.totals[t.live]).toEqual({ events: 3, delivered: 3, delivered_value: { USD: 1320 }, estimated_value: {}, not_sent: 0, dead: 0, pending: 0 });
    expect(b.totals[t.dry]).toMatchObject({ events: 3, delivered: 0, not_sent: 3 });

    expect(b.crm.missing_in_tagwire.map((o) => o.order_id)).toEqual(["R-1004"]);
    expect(b.crm.missing_in_crm.filter((e) => e.order_id === "R-1003")).toEqual([expect.objectContaining({ delivered_to: [t.live] })]);
    expect(b.crm.value_mismatches).toEqual([expect.objectContaining({ order_id: "R-1002", crm: 55, tagwire: 50 })]);
    expect(b.crm.matched).toBe(1);
    expect(b.crm.orders).toBe(3); // R-0999 is outside the range
    expect(b.crm.problems).toEqual([{ path: "line 6", message: 'amount "n/a" is not a number' }]);
    expect(b.crm.currency).toEqual({ column: null, assumed: "USD" });
  });

  it("totals each currency apart, keeps the plan's estimated values apart, and compares values only in the same currency", async () => {
    const t = ledgerConfig();
    const q = queueFor(t.config, testEnv);
    const o = { config: t.config, extraEnv: { DELIVERY_QUEUE: q } };
    const now = new Date().toISOString();
    const tag = crypto.randomUUID().slice(0, 8);
    const r1 = `R-1001-${tag}`;
    const r2 = `R-1002-${tag}`;
    await send(purchase({ event_id: `evt_${crypto.randomUUID()}`, time: now, properties: { order_id: r1, value: 1250, currency: "USD" } }), o);
    await send(purchase({ event_id: `evt_${crypto.randomUUID()}`, time: now, properties: { order_id: r2, value: 55, currency: "EUR" } }), o);
    await send(purchase({ event_id: `evt_${crypto.randomUUID()}`, time: now, properties: { order_id: `T-3-${tag}`, value: 30 } }), o);
    // The plan values a lead at close_rate 0.1 × average deal 5000: an estimate, not money received.
    await send({ name: "lead_submitted", event_id: `evt_${crypto.randomUUID()}`, time: now, properties: { lead_id: `L-${tag}` } }, o);

    const crm = `Order Number,Total,Created At\n${r1},"1,250.00",${today}T09:15:00Z\n${r2},55.00,${today}T10:02:00Z\nL-${tag},2000.00,${today}T11:00:00Z\n`;
    const post = (cols: string, body: string) =>
      call(new Request(`${BASE}${P}/admin/reconcile?since=${today}&until=${today}&${cols}`, { method: "POST", headers: { ...ADMIN, "content-type": "text/csv" }, body }), { config: t.config });
    const res = await post(COLS, crm);
    expect(res.status).toBe(200);
    const b = (await res.json()) as { events: ReconcileRow[]; totals: Record<string, DestinationTotals>; crm: CrmComparison };

    expect(b.totals[t.live]).toEqual({ events: 4, delivered: 4, delivered_value: { USD: 1280, EUR: 55 }, estimated_value: { USD: 500 }, not_sent: 0, dead: 0, pending: 0 });
    expect(b.events.find((e) => e.order_id === `L-${tag}`)).toMatchObject({ value: 500, currency: "USD", estimated: true });
    expect(b.events.find((e) => e.order_id === r1)).toMatchObject({ estimated: false });

    // No currency column: the CRM's amounts are taken as the plan's default currency (USD), and said so.
    expect(b.crm.currency).toEqual({ column: null, assumed: "USD" });
    expect(b.crm.value).toEqual({ USD: 3305 });
    expect(b.crm.matched).toBe(1);
    expect(b.crm.value_mismatches).toEqual([]);
    // The lead's 500 is the plan's estimate: listed beside the CRM's amount, not a mismatch.
    expect(b.crm.estimated).toEqual([expect.objectContaining({ order_id: `L-${tag}`, crm: 2000, tagwire: 500, tagwire_currency: "USD" })]);
    expect(b.crm.currency_mismatches).toEqual([expect.objectContaining({ order_id: r2, crm: 55, crm_currency: "USD", tagwire: 55, tagwire_currency: "EUR" })]);

    // With the CRM's currency column, the EUR order is compared and matches.
    const withCol = `Order Number,Total,Cur,Created At\n${r1},"1,250.00",usd,${today}T09:15:00Z\n${r2},55.00,EUR,${today}T10:02:00Z\n`;
    const c = ((await (await post(`${COLS}&currency_column=Cur`, withCol)).json()) as { crm: CrmComparison }).crm;
    expect(c.currency).toEqual({ column: "Cur", assumed: null });
    expect(c.value).toEqual({ USD: 1250, EUR: 55 });
    expect([c.matched, c.currency_mismatches, c.value_mismatches]).toEqual([2, [], []]);

    const missing = await post(`${COLS}&currency_column=Currency`, withCol);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await missing.json())).toContain('"path":"currency_column"');
  });

  it("answers 400 naming the column the CSV lacks, and the bad day", async () => {
    const bad = await call(new Request(`${BASE}${P}/admin/reconcile?since=${today}`, { method: "POST", headers: ADMIN, body: csv }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("order_id_column");
    const day = await call(new Request(`${BASE}${P}/admin/reconcile?since=yesterday`, { headers: ADMIN }));
    expect(day.status).toBe(400);
    expect(JSON.stringify(await day.json())).toContain('"path":"since"');
  });
});
