/** Bearer tokens compared in constant time, so response timing tells nothing about how much of a guess was right. */
import { timingSafeEqualText } from "../s2s/verify.ts";

/** Whether the request carries `Authorization: Bearer <token>`; false when no token is configured. */
export function bearerMatches(request: Request, token: unknown): boolean {
  if (typeof token !== "string" || token === "") return false;
  const auth = request.headers.get("authorization") ?? "";
  const given = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  return timingSafeEqualText(given, token);
}
