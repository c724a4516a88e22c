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
    expect(b.totals[t.live]).toEqual({ events: 3, delivered: 3, delivered_value: 1320, not_sent: 0, dead: 0, pending: 0 });
    expect(b.totals[t.dry]).toMatchObject({ events: 3, delivered: 0, not_sent: 3 });

    expect(b.crm.missing_in_tagwire.map((o) => o.order_id)).toEqual(["R-1004"]);
    expect(b.crm.missing_in_crm.filter((e) => e.order_id === "R-1003")).toEqual([expect.objectContaining({ delivered_to: [t.live] })]);
    expect(b.crm.value_mismatches).toEqual([expect.objectContaining({ order_id: "R-1002", crm: 55, tagwire: 50 })]);
    expect(b.crm.matched).toBe(1);
    expect(b.crm.orders).toBe(3); // R-0999 is outside the range
    expect(b.crm.problems).toEqual([{ path: "line 6", message: 'amount "n/a" is not a number' }]);
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
