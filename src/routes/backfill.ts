/**
 * POST P/admin/backfill: queues archived events for one destination (src/archive/backfill.ts, docs/archive.md).
 * Body: destination (an enabled destination id), since (YYYY-MM-DD or an ISO instant), until (same; a bare
 * date means the end of that day; default now), after (the `next` of a previous answer, to continue).
 */
import { backfill } from "../archive/backfill.ts";
import { parseJson, readText } from "../http/body.ts";
import { HttpError, json } from "../http/responses.ts";
import { unavailable } from "../ingest/handoff.ts";
import { requireAdmin } from "./admin.ts";
import type { RouteContext } from "./context.ts";

const DAY_MS = 86_400_000;
const FIELDS = ["destination", "since", "until", "after"];
const bad = (path: string, message: string) => new HttpError(400, "invalid_backfill", [{ path, message }]);

function instant(v: unknown, path: string, endOfDay: boolean): number {
  if (typeof v !== "string" || v.length > 40) throw bad(path, "a date (YYYY-MM-DD) or an ISO instant");
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const t = Date.parse(dateOnly ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t)) throw bad(path, "a date (YYYY-MM-DD) or an ISO instant");
  return dateOnly && endOfDay ? t + DAY_MS : t;
}

export async function backfillRoute(request: Request, rc: RouteContext): Promise<Response> {
  requireAdmin(request, rc);
  const body = parseJson(await readText(request, 4 * 1024));
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("body", "expected an object {destination, since, until?, after?}");
  const src = body as Record<string, unknown>;
  const unknown = Object.keys(src).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) throw bad(unknown, `unknown field (known: ${FIELDS.join(", ")})`);
  const destination = src.destination;
  if (typeof destination !== "string" || !Object.hasOwn(rc.cfg.destinations, destination)) {
    throw bad("destination", `one of the configured destinations: ${Object.keys(rc.cfg.destinations).join(", ")}`);
  }
  if (!rc.cfg.destinations[destination]!.enabled) throw bad("destination", `${destination} is not enabled`);
  if (src.since === undefined) throw bad("since", "required: a date (YYYY-MM-DD) or an ISO instant");
  const from = instant(src.since, "since", false);
  const to = src.until === undefined ? rc.now : instant(src.until, "until", true);
  if (to <= from) throw bad("until", "must be after since");
  if (src.after !== undefined && (typeof src.after !== "string" || !src.after.startsWith("archive/") || src.after.length > 200)) {
    throw bad("after", "the `next` value of a previous answer");
  }
  let report;
  try {
    report = await backfill(rc.cfg, rc.env, { destination, from, to, ...(typeof src.after === "string" ? { after: src.after } : {}) }, rc.now);
  } catch (e) {
    console.error("tagwire: backfill failed", e instanceof Error ? e.message : String(e));
    throw unavailable("the archive or the delivery queue");
  }
  if ("off" in report) throw new HttpError(409, "archive_off", [{ path: "archive", message: report.off }]);
  return json(202, report);
}
