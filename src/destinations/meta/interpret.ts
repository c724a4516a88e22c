/**
 * Meta's answers: 200 `{events_received, fbtrace_id}`; errors `{"error": {code, error_subcode, message,
 * fbtrace_id}}` classified by code (reference §2): 190 token → auth; 200 permission → auth; 4, 17, 80003
 * throttling → retry; 1, 2, 341, 368 and unknown codes → retry; 100, 3, 294, 105 invalid → drop.
 */
import { classifyStatus } from "../../outcome/classify.ts";
import type { Outcome, VendorResponse } from "../types.ts";

const AUTH = new Set([190, 200, 10]);
const INVALID = new Set([100, 3, 294, 105]);
const THROTTLED = new Set([4, 17, 80003, 80004, 613]);

interface MetaError {
  code?: number;
  error_subcode?: number;
  message?: string;
  fbtrace_id?: string;
  is_transient?: boolean;
}

function parse(body: string): { events_received?: number; fbtrace_id?: string; error?: MetaError } {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === "object" ? (v as { error?: MetaError }) : {};
  } catch {
    return {};
  }
}

export function interpretMeta(res: VendorResponse, now: number): Outcome {
  const body = parse(res.body);
  if (res.status >= 200 && res.status < 300) {
    return { kind: "ok", status: res.status, detail: `events_received=${body.events_received ?? "?"} fbtrace_id=${body.fbtrace_id ?? "?"}` };
  }
  const err = body.error;
  const base = classifyStatus(res.status, res.headers, now);
  if (!err || typeof err.code !== "number") return { ...base, detail: res.body.slice(0, 500) };
  const detail = `code ${err.code}${err.error_subcode ? `/${err.error_subcode}` : ""}: ${err.message ?? ""} (fbtrace_id ${err.fbtrace_id ?? "?"})`.slice(0, 500);
  if (AUTH.has(err.code)) return { kind: "auth", status: res.status, detail };
  if (THROTTLED.has(err.code)) return { kind: "retry", status: res.status, retryAfter: base.retryAfter ?? 60, detail };
  if (INVALID.has(err.code) && err.is_transient !== true) return { kind: "drop", status: res.status, detail };
  return { kind: "retry", status: res.status, detail };
}
