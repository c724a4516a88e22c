/**
 * GET P/admin/stats?since=YYYY-MM-DD[&until=…][&event=…]: what happened to every event, per destination, so a
 * team can reconcile Tagwire with its CRM. Counts are summed over the days asked for; `days` keeps the rows.
 */
import { HttpError, json } from "../http/responses.ts";
import { dayOf, NO_DESTINATION, readStats } from "../stats/count.ts";
import type { RouteContext } from "./context.ts";
import { requireAdmin } from "./admin.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function stats(request: Request, rc: RouteContext): Promise<Response> {
  requireAdmin(request, rc);
  const q = new URL(request.url).searchParams;
  const since = q.get("since") ?? dayOf(rc.now - 6 * 86_400_000);
  const until = q.get("until") ?? dayOf(rc.now);
  for (const [path, v] of [["since", since], ["until", until]] as const) {
    if (!DAY.test(v)) throw new HttpError(400, "invalid_query", [{ path, message: "expected a day as YYYY-MM-DD" }]);
  }
  const only = q.get("event");
  const rows = (await readStats(rc.env.STATS, since)).filter((r) => r.day <= until && (!only || r.event === only));
  const events: Record<string, { totals: Record<string, number>; destinations: Record<string, Record<string, number>> }> = {};
  for (const r of rows) {
    const e = (events[r.event] ??= { totals: {}, destinations: {} });
    const bucket = r.destination === NO_DESTINATION ? e.totals : (e.destinations[r.destination] ??= {});
    bucket[r.metric] = (bucket[r.metric] ?? 0) + r.n;
  }
  return json(200, { since, until, events, days: rows });
}
