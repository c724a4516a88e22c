/**
 * Reconciliation: the conversions the ledger holds for a date range (per order id or event id: when accepted,
 * its value, each destination's outcome), totals per destination, and, given a CRM's order export, what
 * differs: orders the CRM has that Tagwire never received, orders Tagwire delivered that the CRM lacks, and
 * value mismatches. Pure: the route and `npm run reconcile` feed it.
 */
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
  outcomes: Record<string, string>;
}

export interface CrmOrder {
  order_id: string;
  amount: number;
  date: string;
  line: number;
}

export interface CrmColumns {
  order_id: string;
  amount: string;
  date: string;
}

export const DEFAULT_COLUMNS: CrmColumns = { order_id: "order_id", amount: "amount", date: "date" };

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
  const idx = {} as Record<keyof CrmColumns, number>;
  for (const k of ["order_id", "amount", "date"] as const) {
    idx[k] = header.findIndex((h) => h.toLowerCase() === cols[k].toLowerCase());
    if (idx[k] < 0) problems.push({ path: `${k}_column`, message: `no column "${cols[k]}" in the CSV header (${header.join(", ") || "empty"})` });
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
    orders.push({ order_id: id, amount, date: new Date(t).toISOString().slice(0, 10), line });
  });
  return { orders, problems };
}

export interface DestinationTotals {
  events: number;
  delivered: number;
  delivered_value: number;
  not_sent: number;
  dead: number;
  pending: number;
}

export function totalsOf(rows: readonly ReconcileRow[]): Record<string, DestinationTotals> {
  const out: Record<string, DestinationTotals> = Object.create(null);
  for (const r of rows) {
    for (const [d, reason] of Object.entries(r.outcomes)) {
      const t = (out[d] ??= { events: 0, delivered: 0, delivered_value: 0, not_sent: 0, dead: 0, pending: 0 });
      t.events++;
      const cls = REASONS[reason as Reason] ?? "not_sent";
      if (cls === "delivered") {
        t.delivered++;
        t.delivered_value = round(t.delivered_value + (r.value ?? 0));
      } else t[cls]++;
    }
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface CrmComparison {
  orders: number;
  value: number;
  /** Orders the CRM has (in the date range) that Tagwire never received. */
  missing_in_tagwire: CrmOrder[];
  /** Orders Tagwire accepted and delivered somewhere that the CRM lacks, with where they went. */
  missing_in_crm: (ReconcileRow & { delivered_to: string[] })[];
  value_mismatches: { order_id: string; crm: number; tagwire: number | null; event_id: string }[];
  matched: number;
  problems: Problem[];
}

export function compare(rows: readonly ReconcileRow[], crm: readonly CrmOrder[], from: string, to: string, problems: Problem[] = []): CrmComparison {
  const inRange = crm.filter((o) => o.date >= from && o.date <= to);
  const byOrder = new Map<string, ReconcileRow>();
  for (const r of rows) if (r.order_id !== null) byOrder.set(r.order_id, r);
  const crmIds = new Set(crm.map((o) => o.order_id));
  const out: CrmComparison = { orders: inRange.length, value: round(inRange.reduce((a, o) => a + o.amount, 0)), missing_in_tagwire: [], missing_in_crm: [], value_mismatches: [], matched: 0, problems };
  for (const o of inRange) {
    const r = byOrder.get(o.order_id);
    if (!r) out.missing_in_tagwire.push(o);
    else if (r.value === null || Math.abs(r.value - o.amount) > 0.005) out.value_mismatches.push({ order_id: o.order_id, crm: o.amount, tagwire: r.value, event_id: r.event_id });
    else out.matched++;
  }
  for (const r of byOrder.values()) {
    if (crmIds.has(r.order_id!)) continue;
    const delivered = Object.entries(r.outcomes).filter(([, reason]) => reason === "delivered").map(([d]) => d);
    if (delivered.length) out.missing_in_crm.push({ ...r, delivered_to: delivered });
  }
  return out;
}
