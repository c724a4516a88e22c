/**
 * Reads LinkedIn's answer. A batch create answers 200 with `{"elements":[{"status":201},…]}` in request
 * order, so each event gets its own outcome; other statuses follow the common classes (401 expired token →
 * auth, 429 → retry, 422 missing user ids → drop).
 */
import { classifyStatus } from "../../outcome/classify.ts";
import type { BuiltRequest, Outcome, VendorResponse } from "../types.ts";
import { errorDetail } from "../adFields.ts";

interface ElementStatus {
  status?: number;
  error?: { message?: string };
}

function parseElements(body: string): ElementStatus[] | undefined {
  try {
    const j = JSON.parse(body) as { elements?: unknown };
    return Array.isArray(j.elements) ? (j.elements as ElementStatus[]) : undefined;
  } catch {
    return undefined;
  }
}

export function interpretLinkedIn(res: VendorResponse, built: BuiltRequest): Outcome {
  const now = Date.now();
  if (res.status < 200 || res.status >= 300) return classifyStatus(res.status, res.headers, now, errorDetail(res.body));
  const elements = parseElements(res.body);
  if (!elements) return { kind: "ok", status: res.status };
  const perEvent: Record<string, Outcome> = {};
  built.event_ids.forEach((id, i) => {
    const el = elements[i];
    const status = typeof el?.status === "number" ? el.status : res.status;
    perEvent[id] = classifyStatus(status, new Headers(), now, status >= 300 ? el?.error?.message : undefined);
  });
  const failed = Object.values(perEvent).filter((o) => o.kind !== "ok").length;
  return failed === 0
    ? { kind: "ok", status: res.status, perEvent }
    : { kind: "ok", status: res.status, detail: `${failed} of ${built.event_ids.length} events rejected`, perEvent };
}
