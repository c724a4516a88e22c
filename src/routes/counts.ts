/**
 * GET P/admin/counts?since=YYYY-MM-DD[&until=…]: per day of acceptance, per event and destination, the
 * ledger's counts, which add up: accepted = delivered + not_sent + dead + pending (src/ledger/counts.ts).
 */
import { HttpError, json } from "../http/responses.ts";
import { dayCounts } from "../ledger/counts.ts";
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
    if (!DAY.test(v) || Number.isNaN(Date.parse(v))) throw new HttpError(400, "invalid_query", [{ path, message: "expected a day as YYYY-MM-DD" }]);
  }
  if (since > until) throw new HttpError(400, "invalid_query", [{ path: "since", message: "since is after until" }]);
  if (daysBetween(since, until).length > MAX_DAYS) throw new HttpError(400, "invalid_query", [{ path: "since", message: `at most ${MAX_DAYS} days at once` }]);
  return { since, until };
}

export async function counts(request: Request, rc: RouteContext): Promise<Response> {
  await requireOperator(request, rc);
  const { since, until } = dayRange(new URL(request.url).searchParams, rc.now);
  const days = daysBetween(since, until).reverse();
  const out = await Promise.all(days.map(async (d) => dayCounts(d, await countsOf(rc.env, rc.cfg, d))));
  return json(200, { since, until, days: out });
}
