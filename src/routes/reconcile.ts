/**
 * P/admin/reconcile?since=YYYY-MM-DD&until=…: the ledger's conversions (events with a business key or a
 * value) accepted in those days, each destination's outcome, and totals per destination. POST a CRM export
 * as the body (text/csv; columns named by order_id_column, amount_column, date_column and, optionally,
 * currency_column; without it the amounts are taken to be in the plan's default currency) to compare with it.
 */
import { HttpError, json } from "../http/responses.ts";
import { readText } from "../http/body.ts";
import { compare, DEFAULT_COLUMNS, readCrm, totalsOf, type CrmColumns } from "../ledger/reconcile.ts";
import { daysBetween, listConversions } from "../ledger/record.ts";
import type { RouteContext } from "./context.ts";
import { dayRange } from "./counts.ts";
import { requireOperator } from "./operator.ts";

/** Conversions listed per request; past this, ask for fewer days. */
export const RECONCILE_MAX = 5_000;
const CSV_MAX_BYTES = 5 * 1024 * 1024;
const KNOWN = new Set(["since", "until", "order_id_column", "amount_column", "date_column", "currency_column"]);

export async function reconcile(request: Request, rc: RouteContext): Promise<Response> {
  await requireOperator(request, rc);
  const p = new URL(request.url).searchParams;
  // A misspelt parameter must not silently widen or change the comparison.
  const unknown = [...p.keys()].find((k) => !KNOWN.has(k));
  if (unknown !== undefined) throw new HttpError(400, "invalid_query", [{ path: unknown, message: `unknown parameter (known: ${[...KNOWN].join(", ")})` }]);
  const { since, until } = dayRange(p, rc.now, 7);
  const cols: CrmColumns = { ...DEFAULT_COLUMNS };
  for (const k of ["order_id", "amount", "date", "currency"] as const) {
    const v = p.get(`${k}_column`);
    if (v) cols[k] = v;
  }
  let crm: ReturnType<typeof readCrm> | undefined;
  if (request.method === "POST") {
    const text = await readText(request, CSV_MAX_BYTES);
    if (text.trim() === "") throw new HttpError(400, "invalid_csv", [{ path: "body", message: "expected the CRM export as CSV" }]);
    crm = readCrm(text, cols);
    if (crm.orders.length === 0 && crm.problems.some((x) => x.path.endsWith("_column"))) throw new HttpError(400, "invalid_csv", crm.problems);
  }
  const { rows, truncated } = await listConversions(rc.env, rc.cfg, daysBetween(since, until), RECONCILE_MAX);
  const body: Record<string, unknown> = { since, until, truncated, totals: totalsOf(rows), events: rows };
  if (crm) body.crm = compare(rows, crm.orders, since, until, crm.problems, { column: cols.currency ?? null, fallback: rc.cfg.plan.default_currency });
  return json(200, body);
}
