/** npm run reconcile: what it asks P/admin/reconcile and what it prints, against a loopback stand-in. */
import { expect, it } from "vitest";
import { runScript, standIn } from "./standIn.ts";

const stub = standIn();
const run = (args: string[]) =>
  runScript(["--experimental-transform-types", "--no-warnings"], ["scripts/reconcile.ts", ...args, "--url", stub.base], { TAGWIRE_ADMIN_TOKEN: "tok_123" });

const totals = (usd: number, eur?: number, est?: number) => ({
  events: 4,
  delivered: 4,
  delivered_value: eur === undefined ? { USD: usd } : { USD: usd, EUR: eur },
  estimated_value: est === undefined ? {} : { USD: est },
  not_sent: 0,
  dead: 0,
  pending: 0,
});

it("prints each currency's total apart, estimated values apart, and the currency the CRM's amounts were taken in", async () => {
  stub.seen.length = 0;
  stub.answer = {
    status: 200,
    body: {
      since: "2026-11-30",
      until: "2026-11-30",
      truncated: false,
      events: [{}, {}, {}, {}],
      totals: { meta: totals(1280, 55, 500) },
      crm: {
        orders: 2,
        value: { USD: 1305 },
        matched: 1,
        currency: { column: null, assumed: "USD" },
        missing_in_tagwire: [],
        missing_in_crm: [],
        value_mismatches: [],
        currency_mismatches: [{ order_id: "R-1002", crm: 55, crm_currency: "USD", tagwire: 55, tagwire_currency: "EUR", event_id: "e2" }],
        estimated: [],
        problems: [],
      },
    },
  };
  const r = await run(["--from", "2026-11-30", "--to", "2026-11-30"]);
  expect(r.code, r.stderr).toBe(1);
  const meta = r.stdout.split("\n").find((l) => l.startsWith("meta"))!;
  expect(meta).toContain("1280.00 USD + 55.00 EUR");
  expect(meta).toContain("500.00 USD");
  expect(r.stdout).not.toContain("1335");
  expect(r.stdout).toContain("estimated");
  expect(r.stdout).toContain("no currency column: amounts taken as USD");
  expect(r.stdout).toMatch(/R-1002 +CRM 55\.00 USD +Tagwire 55\.00 EUR/);
});

it("says what is wrong in its own flags, in one line, and asks nothing when the days are the wrong way round", async () => {
  stub.seen.length = 0;
  const back = await run(["--from", "2026-12-01", "--to", "2026-11-30"]);
  expect(back.code).toBe(2);
  expect(back.stderr.trim()).toBe("reconcile: --from 2026-12-01 is after --to 2026-11-30");
  expect(stub.seen).toEqual([]);

  stub.answer = { status: 400, body: { error: "invalid_csv", details: [{ path: "order_id_column", message: 'no column "Order" in the CSV header (Order Number, Total)' }] } };
  const col = await run(["--from", "2026-11-30", "--crm", "test/ledger/fixtures/crm-orders.csv", "--order-column", "Order"]);
  expect(col.code).toBe(1);
  expect(col.stderr.trim()).toBe('reconcile: --order-column: no column "Order" in the CSV header (Order Number, Total)');

  stub.answer = { status: 400, body: { error: "invalid_query", details: [{ path: "since", message: "at most 31 days at once" }] } };
  const days = await run(["--from", "2026-01-01", "--to", "2026-11-30"]);
  expect(days.stderr.trim()).toBe("reconcile: --from: at most 31 days at once");

  stub.answer = { status: 401, body: { error: "unauthorized" } };
  const auth = await run(["--from", "2026-11-30"]);
  expect(auth.stderr.trim().split("\n")).toHaveLength(1);
  expect(auth.stderr).toContain("TAGWIRE_ADMIN_TOKEN");
});
