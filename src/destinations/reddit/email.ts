/**
 * Reddit's own email canonicalization (its "advanced matching" rule, reference §6.3): lowercase, drop a
 * `+tag`, and remove every non-alphanumeric character from the local part, so `Al.ice$+Apple@Example.Com`
 * becomes `alice@example.com`. Only Reddit wants this; every other vendor keeps dots.
 */
import { isSha256Hex } from "../../identity/hash.ts";

export function redditEmail(raw: string): string | undefined {
  const v = raw.trim().toLowerCase();
  // Already hashed upstream: hashNormalized passes it through unchanged.
  if (isSha256Hex(v)) return v;
  const at = v.lastIndexOf("@");
  if (at <= 0 || at === v.length - 1) return undefined;
  const local = v.slice(0, at).split("+")[0]!.replace(/[^\p{L}\p{N}]/gu, "");
  const domain = v.slice(at + 1);
  return local === "" ? undefined : `${local}@${domain}`;
}
