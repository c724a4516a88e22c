/**
 * GET P/admin/counts?since=YYYY-MM-DD[&until=…][&destination=…][&name=…]: per day of acceptance, per event and
 * destination, the ledger's counts, which add up: accepted = delivered + not_sent + dead + pending
 * (src/ledger/counts.ts). Any other parameter is a 400: a typo must not pass for "no filter".
 */
import { HttpError, json } from "../http/responses.ts";
import { dayCounts } from "../ledger/counts.ts";
import type { CountRow } from "../ledger/Ledger.ts";
import { countsOf, daysBetween } from "../ledger/record.ts";
import { dayOfMs } from "../ledger/rows.ts";
import type { RouteContext } from "./context.ts";
import { requireOperator } from "./operator.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 31;

export function dayRange(q: URLSearchParams, now: number, defaultDays = 1): { since: string; until: string } {
  const since = q.get("since") ?? dayOfMs(now - (defaultDays - 1) * 86_400_000);
  const until = q.get("until") ?? dayOfMs(now);
  for (const [path, v] of [["since", since], ["until", until]] as const) {
    // Date.parse takes 2026-02-30 (as March 2nd): a day is real only if it reads back the same.
    if (!DAY.test(v) || Number.isNaN(Date.parse(v)) || new Date(v).toISOString().slice(0, 10) !== v) {
      throw new HttpError(400, "invalid_query", [{ path, message: "not a date: expected a day as YYYY-MM-DD" }]);
    }
  }
  if (since > until) throw new HttpError(400, "invalid_query", [{ path: "since", message: "since is after until" }]);
  if (daysBetween(since, until).length > MAX_DAYS) throw new HttpError(400, "invalid_query", [{ path: "since", message: `at most ${MAX_DAYS} days at once` }]);
  return { since, until };
}

const COUNTS_PARAMS = new Set(["since", "until", "destination", "name"]);

export async function counts(request: Request, rc: RouteContext): Promise<Response> {
  await requireOperator(request, rc);
  const p = new URL(request.url).searchParams;
  for (const k of p.keys()) {
    if (!COUNTS_PARAMS.has(k)) throw new HttpError(400, "invalid_query", [{ path: k.slice(0, 100), message: `unknown parameter (known: ${[...COUNTS_PARAMS].join(", ")})` }]);
  }
  const { since, until } = dayRange(p, rc.now);
  const destination = p.get("destination") || null;
  const name = p.get("name") || null;
  if (destination !== null && !Object.hasOwn(rc.cfg.destinations, destination)) {
    throw new HttpError(400, "invalid_query", [{ path: "destination", message: `unknown destination (known: ${Object.keys(rc.cfg.destinations).join(", ")})` }]);
  }
  // Copy rows (destination "") stay with a destination filter: they are the events' own counts.
  const keep = (r: CountRow) => (name === null || r.name === name) && (destination === null || r.destination === "" || r.destination === destination);
  const days = daysBetween(since, until).reverse();
  const out = await Promise.all(
    days.map(async (d) => {
      const c = dayCounts(d, (await countsOf(rc.env, rc.cfg, d)).filter(keep));
      // With a destination filter, only the events that have a row for it.
      if (destination !== null) for (const [n, e] of Object.entries(c.events)) if (!(destination in e.destinations)) delete c.events[n];
      return c;
    }),
  );
  return json(200, { since, until, ...(destination !== null && { destination }), ...(name !== null && { name }), days: out });
}
