/**
 * POST P/admin/erase: removes one person from every store Tagwire keeps (docs/identity.md). Body: at least
 * one of user_id, email, phone, anonymous_id. Answers what was removed and what cannot be.
 */
import { readText, parseJson } from "../http/body.ts";
import { HttpError, json } from "../http/responses.ts";
import { erasePerson, type EraseRequest } from "../identity/graph/erase.ts";
import { requireAdmin } from "./admin.ts";
import type { RouteContext } from "./context.ts";

const FIELDS = ["user_id", "email", "phone", "anonymous_id"] as const;

export async function erase(request: Request, rc: RouteContext): Promise<Response> {
  requireAdmin(request, rc);
  const body = parseJson(await readText(request, 4 * 1024));
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "invalid_erase", [{ path: "body", message: "expected an object with user_id, email, phone or anonymous_id" }]);
  }
  const src = body as Record<string, unknown>;
  const r: EraseRequest = {};
  for (const f of FIELDS) {
    const v = src[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" || v.trim() === "" || v.length > 256) throw new HttpError(400, "invalid_erase", [{ path: f, message: "a non-empty string of at most 256 characters" }]);
    r[f] = v;
  }
  const unknown = Object.keys(src).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown !== undefined) throw new HttpError(400, "invalid_erase", [{ path: unknown, message: `unknown field (known: ${FIELDS.join(", ")})` }]);
  if (Object.keys(r).length === 0) throw new HttpError(400, "invalid_erase", [{ path: "body", message: "give at least one of user_id, email, phone, anonymous_id" }]);
  return json(200, await erasePerson(rc.cfg, rc.env, r, rc.now));
}
