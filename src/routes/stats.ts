/**
 * GET P/admin/stats?since=YYYY-MM-DD[&until=…][&event=…]: what happened to every event, per destination, so a
 * team can reconcile Tagwire with its CRM. Counts are summed over the days asked for; `days` keeps the rows.
 */
import { HttpError, json } from "../http/responses.ts";
import { dayOf, flushAllCounts, NO_DESTINATION, readStats } from "../stats/count.ts";
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
  // This isolate's own pending counts first, so a reader sees what it just sent.
  await flushAllCounts(rc.env, rc.now);
  const rows = (await readStats(rc.env, since)).filter((r) => r.day <= until && (!only || r.event === only));
  // Event names, destinations and metrics come from input ("constructor" is a valid event name): no prototypes.
  type Tally = Record<string, number>;
  const events: Record<string, { totals: Tally; destinations: Record<string, Tally> }> = Object.create(null);
  for (const r of rows) {
    const e = (events[r.event] ??= { totals: Object.create(null), destinations: Object.create(null) });
    const bucket = r.destination === NO_DESTINATION ? e.totals : (e.destinations[r.destination] ??= Object.create(null));
    bucket[r.metric] = (bucket[r.metric] ?? 0) + r.n;
  }
  return json(200, { since, until, events, days: rows });
}
