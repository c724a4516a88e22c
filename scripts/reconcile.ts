/**
 * Reconciles Tagwire's ledger with a CRM export through P/admin/reconcile:
 *   npm run reconcile -- --from 2026-06-01 --to 2026-06-07 [--crm orders.csv] [--url https://t.shop.example.com/k7q]
 *     [--order-column "Order Number"] [--amount-column Total] [--date-column "Created At"] [--json]
 * The admin token comes from TAGWIRE_ADMIN_TOKEN (never a flag: flags end up in shell history). Prints, per
 * destination, conversions delivered and their value; with --crm, the orders the CRM has that Tagwire never
 * received, the ones Tagwire delivered that the CRM lacks, and value mismatches. Exit 1 when anything differs.
 */
import { readFileSync } from "node:fs";
import { cli } from "./cli.ts";

// The endpoint's answer (src/ledger/reconcile.ts), restated here: the Worker's modules need Workers types.
interface DestinationTotals {
  events: number;
  delivered: number;
  delivered_value: number;
  not_sent: number;
  dead: number;
  pending: number;
}
interface ReconcileRow {
  event_id: string;
  order_id: string | null;
  accepted_at: string;
  value: number | null;
}
interface CrmComparison {
  orders: number;
  value: number;
  matched: number;
  missing_in_tagwire: { order_id: string; amount: number; date: string }[];
  missing_in_crm: (ReconcileRow & { delivered_to: string[] })[];
  value_mismatches: { order_id: string; crm: number; tagwire: number | null; event_id: string }[];
  problems: { path: string; message: string }[];
}

const USAGE = `
npm run reconcile -- --from YYYY-MM-DD --to YYYY-MM-DD [--crm orders.csv] [--url URL] [--json]
                     [--order-column NAME] [--amount-column NAME] [--date-column NAME]

Per destination, the conversions Tagwire delivered and their value (from the delivery ledger, P/admin/reconcile);
with --crm, the orders the CRM export has that Tagwire never received, the ones Tagwire delivered that the CRM
lacks, and value mismatches. Exit code 1 when anything differs. The admin token comes from TAGWIRE_ADMIN_TOKEN.
  --url URL   the Worker's prefix URL (default $TAGWIRE_URL, else http://127.0.0.1:8787/k7q)`;

const { values } = cli("reconcile", USAGE, {
  from: { type: "string" },
  to: { type: "string" },
  crm: { type: "string" },
  url: { type: "string", default: process.env.TAGWIRE_URL ?? "http://127.0.0.1:8787/k7q" },
  "order-column": { type: "string" },
  "amount-column": { type: "string" },
  "date-column": { type: "string" },
  json: { type: "boolean", default: false },
});

function fail(msg: string): never {
  console.error(`reconcile: ${msg}`);
  process.exit(2);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
if (!values.from || !DAY.test(values.from)) fail("--from YYYY-MM-DD is required");
const to = values.to ?? values.from;
if (!DAY.test(to)) fail("--to must be YYYY-MM-DD");

const q = new URLSearchParams({ since: values.from, until: to });
if (values["order-column"]) q.set("order_id_column", values["order-column"]);
if (values["amount-column"]) q.set("amount_column", values["amount-column"]);
if (values["date-column"]) q.set("date_column", values["date-column"]);
const headers: Record<string, string> = {};
if (process.env.TAGWIRE_ADMIN_TOKEN) headers.authorization = `Bearer ${process.env.TAGWIRE_ADMIN_TOKEN}`;
let body: string | undefined;
if (values.crm) {
  try {
    body = readFileSync(values.crm, "utf8");
  } catch (e) {
    fail(`cannot read ${values.crm}: ${e instanceof Error ? e.message : String(e)}`);
  }
  headers["content-type"] = "text/csv";
}

const res = await fetch(`${values.url.replace(/\/$/, "")}/admin/reconcile?${q}`, body === undefined ? { headers } : { method: "POST", headers, body });
const text = await res.text();
if (!res.ok) fail(`${res.status} ${text}`);
const r = JSON.parse(text) as { since: string; until: string; truncated: boolean; totals: Record<string, DestinationTotals>; events: ReconcileRow[]; crm?: CrmComparison };
if (values.json) {
  console.log(JSON.stringify(r, null, 2));
  process.exit(0);
}

const pad = (s: unknown, n: number) => String(s).padEnd(n);
console.log(`Conversions accepted ${r.since} … ${r.until}: ${r.events.length}${r.truncated ? " (truncated: ask for fewer days)" : ""}\n`);
console.log(`${pad("destination", 22)}${pad("events", 8)}${pad("delivered", 11)}${pad("value", 12)}${pad("not sent", 10)}${pad("dead", 6)}pending`);
for (const [d, t] of Object.entries(r.totals)) console.log(`${pad(d, 22)}${pad(t.events, 8)}${pad(t.delivered, 11)}${pad(t.delivered_value.toFixed(2), 12)}${pad(t.not_sent, 10)}${pad(t.dead, 6)}${t.pending}`);
let differs = false;
if (r.crm) {
  const c = r.crm;
  console.log(`\nCRM: ${c.orders} orders, ${c.value.toFixed(2)} in total; ${c.matched} match.`);
  const list = (title: string, lines: string[]) => {
    if (!lines.length) return;
    differs = true;
    console.log(`\n${title} (${lines.length}):`);
    for (const l of lines) console.log(`  ${l}`);
  };
  list("In the CRM, never received by Tagwire", c.missing_in_tagwire.map((o) => `${o.order_id}  ${o.amount.toFixed(2)}  ${o.date}`));
  list("Delivered by Tagwire, not in the CRM", c.missing_in_crm.map((e) => `${e.order_id}  ${e.value ?? "-"}  ${e.accepted_at}  → ${e.delivered_to.join(", ")}`));
  list("Value mismatches", c.value_mismatches.map((m) => `${m.order_id}  CRM ${m.crm.toFixed(2)}  Tagwire ${m.tagwire ?? "none"}  (${m.event_id})`));
  list("Rows of the CSV that could not be read", c.problems.map((p) => `${p.path}: ${p.message}`));
}
process.exit(differs ? 1 : 0);
