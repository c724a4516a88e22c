/**
 * Reads Snapchat's answer. The v3 response body is not documented beyond a status; a 2xx whose body says
 * `"status":"INVALID"` or `"FAILED"` is a rejected payload (drop), otherwise the HTTP status decides
 * (400 drop, 401/403 auth, 429/5xx retry).
 */
import { classifyStatus } from "../../outcome/classify.ts";
import { errorDetail } from "../adFields.ts";
import type { BuiltRequest, Outcome, VendorResponse } from "../types.ts";

function bodyStatus(body: string): string | undefined {
  try {
    const s = (JSON.parse(body) as { status?: unknown }).status;
    return typeof s === "string" ? s.toUpperCase() : undefined;
  } catch {
    return undefined;
  }
}

export function interpretSnap(res: VendorResponse, _built: BuiltRequest): Outcome {
  if (res.status >= 200 && res.status < 300) {
    const s = bodyStatus(res.body);
    if (s === "INVALID" || s === "FAILED") return { kind: "drop", status: res.status, detail: errorDetail(res.body) ?? s };
    return { kind: "ok", status: res.status };
  }
  return classifyStatus(res.status, res.headers, Date.now(), errorDetail(res.body));
}
