/**
 * Reconciliation: the conversions the ledger holds for a date range (per order id or event id: when accepted,
 * its value, each destination's outcome), totals per destination, and, given a CRM's order export, what
 * differs: orders the CRM has that Tagwire never received, orders Tagwire delivered that the CRM lacks, and
 * value mismatches. Pure: the route and `npm run reconcile` feed it.
 * Money is summed per currency, never across currencies, and the plan's estimated values (a lead's close rate
 * × deal size) apart from amounts actually paid; a value is compared with the CRM's only in the same currency.
 */
import { isoCurrency } from "../pipeline/currencies.ts";
import { parseCsv } from "./csv.ts";
import { REASONS, type Reason } from "./reasons.ts";

export interface ReconcileRow {
  key: string;
  event_id: string;
  order_id: string | null;
  name: string;
  accepted_at: string;
  value: number | null;
  currency: string | null;
  /** The value is the plan's estimate, not an amount paid. */
  estimated: boolean;
  outcomes: Record<string, string>;
}

export interface CrmOrder {
  order_id: string;
  amount: number;
  /** From the currency column; null when the export has none (or the cell is empty): the assumed currency applies. */
  currency: string | null;
  date: string;
  line: number;
}

export interface CrmColumns {
  order_id: string;
  amount: string;
  date: string;
  /** Optional: without it every amount is taken to be in the plan's default currency. */
  currency?: string;
}

export const DEFAULT_COLUMNS: CrmColumns = { order_id: "order_id", amount: "amount", date: "date" };

/** Sums per ISO currency code. */
export type Money = Record<string, number>;

export interface Problem {
  path: string;
  message: string;
}

/** "1,234.50", "€49.90", "49,90" → numbers; undefined when it is not an amount. */
export function parseAmount(raw: string): number | undefined {
  let s = raw.replace(/[^\d.,-]/g, "");
  if (s === "") return undefined;
  if (/^-?\d+,\d{1,2}$/.test(s)) s = s.replace(",", ".");
  else s = s.replace(/,/g, "");
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function readCrm(text: string, cols: CrmColumns): { orders: CrmOrder[]; problems: Problem[] } {
  const rows = parseCsv(text);
  const header = (rows.shift() ?? []).map((h) => h.trim());
  const problems: Problem[] = [];
  const idx = { currency: -1 } as Record<keyof CrmColumns, number>;
  for (const k of ["order_id", "amount", "date", "currency"] as const) {
    const name = cols[k];
    if (name === undefined) continue;
    idx[k] = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (idx[k] < 0) problems.push({ path: `${k}_column`, message: `no column "${name}" in the CSV header (${header.join(", ") || "empty"})` });
  }
  if (problems.length) return { orders: [], problems };
  const orders: CrmOrder[] = [];
  rows.forEach((r, i) => {
    const line = i + 2;
    const id = (r[idx.order_id] ?? "").trim();
    const amount = parseAmount(r[idx.amount] ?? "");
    const t = Date.parse((r[idx.date] ?? "").trim());
    if (!id) return void problems.push({ path: `line ${line}`, message: "no order id" });
    if (amount === undefined) return void problems.push({ path: `line ${line}`, message: `amount "${r[idx.amount] ?? ""}" is not a number` });
    if (Number.isNaN(t)) return void problems.push({ path: `line ${line}`, message: `date "${r[idx.date] ?? ""}" is not a date` });
    const rawCurrency = idx.currency < 0 ? "" : (r[idx.currency] ?? "").trim();
    const currency = rawCurrency === "" ? null : isoCurrency(rawCurrency);
    if (currency === undefined) return void problems.push({ path: `line ${line}`, message: `currency "${rawCurrency}" is not an ISO 4217 code such as USD` });
    orders.push({ order_id: id, amount, currency, date: new Date(t).toISOString().slice(0, 10), line });
  });
  return { orders, problems };
}

export interface DestinationTotals {
  events: number;
  delivered: number;
  /** Amounts paid of the delivered conversions, per currency. */
  delivered_value: Money;
  /** The plan's estimated values of the delivered conversions (leads), per currency: not revenue. */
  estimated_value: Money;
  not_sent: number;
  dead: number;
  pending: number;
}

/** The pipeline gives every value a currency; a row without one is still never added to another currency's sum. */
const UNKNOWN_CURRENCY = "unknown";

function addTo(m: Money, currency: string | null, v: number): void {
  const c = currency ?? UNKNOWN_CURRENCY;
  m[c] = round((m[c] ?? 0) + v);
}

export function totalsOf(rows: readonly ReconcileRow[]): Record<string, DestinationTotals> {
  const out: Record<string, DestinationTotals> = Object.create(null);
  for (const r of rows) {
    for (const [d, reason] of Object.entries(r.outcomes)) {
      // Plain objects: the answer is JSON, and currency codes are ISO 4217 (checked by the pipeline).
      const t = (out[d] ??= { events: 0, delivered: 0, delivered_value: {}, estimated_value: {}, not_sent: 0, dead: 0, pending: 0 });
      t.events++;
      const cls = REASONS[reason as Reason] ?? "not_sent";
      if (cls === "delivered") {
        t.delivered++;
        if (r.value !== null) addTo(r.estimated ? t.estimated_value : t.delivered_value, r.currency, r.value);
      } else t[cls]++;
    }
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** One order on both sides whose values were not compared (other currency, or Tagwire's is an estimate). */
export interface NotCompared {
  order_id: string;
  event_id: string;
  crm: number;
  crm_currency: string;
  tagwire: number | null;
  tagwire_currency: string | null;
}

export interface CrmComparison {
  orders: number;
  /** The CRM's amounts in the range, per currency. */
  value: Money;
  /** The CSV's currency column, or (without one) the currency its amounts were taken to be in. */
  currency: { column: string | null; assumed: string | null };
  /** Orders the CRM has (in the date range) that Tagwire never received. */
  missing_in_tagwire: CrmOrder[];
  /** Orders Tagwire accepted and delivered somewhere that the CRM lacks, with where they went. */
  missing_in_crm: (ReconcileRow & { delivered_to: string[] })[];
  /** Same currency, amounts more than half a cent apart (or Tagwire has no value). */
  value_mismatches: { order_id: string; crm: number; tagwire: number | null; event_id: string; currency: string }[];
  /** Tagwire's value is in another currency than the CRM's: not compared. */
  currency_mismatches: NotCompared[];
  /** Tagwire's value is the plan's estimate (a lead): shown beside the CRM's amount, not compared. */
  estimated: NotCompared[];
  matched: number;
  problems: Problem[];
}

/**
 * `currency.fallback` (the plan's default currency) is what the CRM's amounts are taken to be in when the
 * export has no currency column, and for a row whose currency cell is empty; the answer says which.
 */
export function compare(
  rows: readonly ReconcileRow[],
  crm: readonly CrmOrder[],
  from: string,
  to: string,
  problems: Problem[] = [],
  currency: { column: string | null; fallback: string } = { column: null, fallback: "USD" },
): CrmComparison {
  const inRange = crm.filter((o) => o.date >= from && o.date <= to);
  const byOrder = new Map<string, ReconcileRow>();
  for (const r of rows) if (r.order_id !== null) byOrder.set(r.order_id, r);
  const crmIds = new Set(crm.map((o) => o.order_id));
  const value: Money = {};
  for (const o of inRange) addTo(value, o.currency ?? currency.fallback, o.amount);
  const out: CrmComparison = {
    orders: inRange.length,
    value,
    currency: { column: currency.column, assumed: currency.column === null ? currency.fallback : null },
    missing_in_tagwire: [],
    missing_in_crm: [],
    value_mismatches: [],
    currency_mismatches: [],
    estimated: [],
    matched: 0,
    problems,
  };
  for (const o of inRange) {
    const r = byOrder.get(o.order_id);
    if (!r) {
      out.missing_in_tagwire.push(o);
      continue;
    }
    const crmCurrency = o.currency ?? currency.fallback;
    const side: NotCompared = { order_id: o.order_id, event_id: r.event_id, crm: o.amount, crm_currency: crmCurrency, tagwire: r.value, tagwire_currency: r.currency };
    if (r.value !== null && r.estimated) out.estimated.push(side);
    else if (r.value !== null && r.currency !== null && r.currency !== crmCurrency) out.currency_mismatches.push(side);
    else if (r.value === null || Math.abs(r.value - o.amount) > 0.005) out.value_mismatches.push({ order_id: o.order_id, crm: o.amount, tagwire: r.value, event_id: r.event_id, currency: crmCurrency });
    else out.matched++;
  }
  for (const r of byOrder.values()) {
    if (crmIds.has(r.order_id!)) continue;
    const delivered = Object.entries(r.outcomes).filter(([, reason]) => reason === "delivered").map(([d]) => d);
    if (delivered.length) out.missing_in_crm.push({ ...r, delivered_to: delivered });
  }
  return out;
}
