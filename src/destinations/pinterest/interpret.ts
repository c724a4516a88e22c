/**
 * Reads Pinterest's answer: 200 and 422 (partial failure) carry `events[]` in request order, each
 * "processed" or "failed", so each event gets its own outcome (failed → drop). Otherwise the status decides:
 * 400 drop, 401/403 auth, 429 and 503 retry.
 */
import { classifyStatus } from "../../outcome/classify.ts";
import { errorDetail } from "../adFields.ts";
import type { BuiltRequest, Outcome, VendorResponse } from "../types.ts";

interface EventStatus {
  status?: string;
  error_message?: string | null;
}

function parseEvents(body: string): EventStatus[] | undefined {
  try {
    const j = JSON.parse(body) as { events?: unknown };
    return Array.isArray(j.events) ? (j.events as EventStatus[]) : undefined;
  } catch {
    return undefined;
  }
}

export function interpretPinterest(res: VendorResponse, built: BuiltRequest): Outcome {
  const ok = res.status >= 200 && res.status < 300;
  if (!ok && res.status !== 422) return classifyStatus(res.status, res.headers, Date.now(), errorDetail(res.body));
  const rows = parseEvents(res.body);
  if (!rows) return ok ? { kind: "ok", status: res.status } : { kind: "drop", status: res.status, detail: errorDetail(res.body) };
  const perEvent: Record<string, Outcome> = {};
  let failed = 0;
  built.event_ids.forEach((id, i) => {
    const row = rows[i];
    if (row?.status === "failed") {
      failed++;
      perEvent[id] = { kind: "drop", status: res.status, detail: row.error_message ?? "failed" };
    } else perEvent[id] = { kind: "ok", status: res.status };
  });
  const detail = failed > 0 ? `${failed} of ${built.event_ids.length} events failed` : undefined;
  return detail ? { kind: ok ? "ok" : "drop", status: res.status, detail, perEvent } : { kind: "ok", status: res.status, perEvent };
}
