/**
 * Reconciles Tagwire's ledger with a CRM export through P/admin/reconcile:
 *   npm run reconcile -- --from 2026-06-01 --to 2026-06-07 [--crm orders.csv] [--url https://t.shop.example.com/k7q]
 *     [--order-column "Order Number"] [--amount-column Total] [--date-column "Created At"] [--currency-column Currency] [--json]
 * The admin token comes from TAGWIRE_ADMIN_TOKEN (never a flag: flags end up in shell history). Prints, per
 * destination, conversions delivered and their value per currency (estimated values apart); with --crm, the orders the CRM has that Tagwire never
 * received, the ones Tagwire delivered that the CRM lacks, and value mismatches. Exit 1 when anything differs.
 */
import { readFileSync } from "node:fs";
import { cli } from "./cli.ts";

// The endpoint's answer, as src/ledger/reconcile.ts types it (types only: nothing of the Worker runs here).
import type { CrmComparison, DestinationTotals, Money, NotCompared, ReconcileRow } from "../src/ledger/reconcile.ts";

const USAGE = `
npm run reconcile -- --from YYYY-MM-DD --to YYYY-MM-DD [--crm orders.csv] [--url URL] [--json]
                     [--order-column NAME] [--amount-column NAME] [--date-column NAME] [--currency-column NAME]

Per destination, the conversions Tagwire delivered and their value per currency, the plan's estimated values
(leads) apart (from the delivery ledger, P/admin/reconcile); with --crm, the orders the CRM export has that
Tagwire never received, the ones Tagwire delivered that the CRM lacks, and value mismatches (compared only in
the same currency). Exit code 1 when anything differs. The admin token comes from TAGWIRE_ADMIN_TOKEN.
  --currency-column NAME  the CSV's currency column (default: none; amounts are then taken to be in the
                          plan's default currency, and the output says so)
  --url URL               the Worker's prefix URL (default $TAGWIRE_URL, else http://127.0.0.1:8787/k7q)`;

const { values } = cli("reconcile", USAGE, {
  from: { type: "string" },
  to: { type: "string" },
  crm: { type: "string" },
  url: { type: "string", default: process.env.TAGWIRE_URL ?? "http://127.0.0.1:8787/k7q" },
  "order-column": { type: "string" },
  "amount-column": { type: "string" },
  "date-column": { type: "string" },
  "currency-column": { type: "string" },
  json: { type: "boolean", default: false },
});

function fail(msg: string, code = 2): never {
  console.error(`reconcile: ${msg}`);
  process.exit(code);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 10) === v;
if (!values.from) fail("--from YYYY-MM-DD is required");
if (!isDay(values.from)) fail(`--from ${values.from} is not a date (YYYY-MM-DD)`);
const to = values.to ?? values.from;
if (!isDay(to)) fail(`--to ${to} is not a date (YYYY-MM-DD)`);
if (values.from > to) fail(`--from ${values.from} is after --to ${to}`);

// The endpoint's parameter names, and the flags that set them: its answers are told in the flags' terms.
const FLAGS: Record<string, string> = {
  since: "--from",
  until: "--to",
  order_id_column: "--order-column",
  amount_column: "--amount-column",
  date_column: "--date-column",
  currency_column: "--currency-column",
  body: "--crm",
};
const q = new URLSearchParams({ since: values.from, until: to });
const COLUMNS = [["order_id_column", "order-column"], ["amount_column", "amount-column"], ["date_column", "date-column"], ["currency_column", "currency-column"]] as const;
for (const [param, flag] of COLUMNS) {
  const v = values[flag];
  if (v) q.set(param, v);
}
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

const endpoint = `${values.url.replace(/\/$/, "")}/admin/reconcile`;
const res = await fetch(`${endpoint}?${q}`, body === undefined ? { headers } : { method: "POST", headers, body }).catch((e: Error & { cause?: Error }) =>
  fail(`cannot reach ${endpoint}: ${e.cause?.message ?? e.message}`, 1),
);
const text = await res.text();
if (!res.ok) fail(refusal(res.status, text), 1);

/** The endpoint's refusal in one line, naming the flag (or the environment variable) to change. */
function refusal(status: number, text: string): string {
  let answer: { error?: string; details?: { path: string; message: string }[] } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return `${status} from ${endpoint}, not Tagwire's answer: is --url the Worker with its prefix?`;
  }
  const details = answer.details ?? [];
  if (status === 401 || status === 403) {
    const why = details.map((d) => d.message).join("; ");
    return `${status} ${answer.error ?? "refused"}${why ? `: ${why}` : ""} (the token comes from TAGWIRE_ADMIN_TOKEN)`;
  }
  if (details.length && details.every((d) => d.path in FLAGS)) return details.map((d) => `${FLAGS[d.path]}: ${d.message}`).join("; ");
  return `${status} ${answer.error ?? ""} ${details.map((d) => `${FLAGS[d.path] ?? d.path}: ${d.message}`).join("; ")}`.replace(/\s+/g, " ").trim();
}

const r = JSON.parse(text) as { since: string; until: string; truncated: boolean; totals: Record<string, DestinationTotals>; events: ReconcileRow[]; crm?: CrmComparison };
if (values.json) {
  console.log(JSON.stringify(r, null, 2));
  process.exit(0);
}

/** "1280.00 USD + 55.00 EUR": sums in different currencies are never added together. */
const money = (m: Money) => Object.entries(m).map(([c, v]) => `${v.toFixed(2)} ${c}`).join(" + ") || "-";
const amount = (v: number | null, c: string | null) => (v === null ? "none" : `${v.toFixed(2)} ${c ?? ""}`.trim());
const table = Object.entries(r.totals).map(([d, t]) => [d, t.events, t.delivered, money(t.delivered_value), money(t.estimated_value), t.not_sent, t.dead, t.pending].map(String));
const head = ["destination", "events", "delivered", "value", "estimated", "not sent", "dead", "pending"];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)) + 2);
const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("");
console.log(`Conversions accepted ${r.since} … ${r.until}: ${r.events.length}${r.truncated ? " (truncated: ask for fewer days)" : ""}\n`);
console.log(line(head));
for (const row of table) console.log(line(row));
if (Object.values(r.totals).some((t) => Object.keys(t.estimated_value).length)) {
  console.log("\nvalue: amounts paid, per currency; estimated: the tracking plan's estimate for leads (close rate × deal size), not revenue.");
}
let differs = false;
if (r.crm) {
  const c = r.crm;
  const assumed = c.currency.column === null && c.currency.assumed ? ` (no currency column: amounts taken as ${c.currency.assumed}; --currency-column NAME to read one)` : "";
  console.log(`\nCRM: ${c.orders} orders, ${money(c.value)} in total${assumed}; ${c.matched} match.`);
  const list = (title: string, lines: string[], counts = true) => {
    if (!lines.length) return;
    if (counts) differs = true;
    console.log(`\n${title} (${lines.length}):`);
    for (const l of lines) console.log(`  ${l}`);
  };
  const side = (m: NotCompared) => `${m.order_id}  CRM ${amount(m.crm, m.crm_currency)}  Tagwire ${amount(m.tagwire, m.tagwire_currency)}  (${m.event_id})`;
  list("In the CRM, never received by Tagwire", c.missing_in_tagwire.map((o) => `${o.order_id}  ${amount(o.amount, o.currency)}  ${o.date}`));
  list("Delivered by Tagwire, not in the CRM", c.missing_in_crm.map((e) => `${e.order_id}  ${amount(e.value, e.currency)}${e.estimated ? " (estimated)" : ""}  ${e.accepted_at}  → ${e.delivered_to.join(", ")}`));
  list("Value mismatches", c.value_mismatches.map((m) => `${m.order_id}  CRM ${amount(m.crm, m.currency)}  Tagwire ${amount(m.tagwire, m.currency)}  (${m.event_id})`));
  list("Currency differs, values not compared", c.currency_mismatches.map(side));
  list("Tagwire's value is the plan's estimate, not compared", c.estimated.map(side), false);
  list("Rows of the CSV that could not be read", c.problems.map((p) => `${p.path}: ${p.message}`));
}
process.exit(differs ? 1 : 0);
