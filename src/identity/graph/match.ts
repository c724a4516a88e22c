/**
 * Whether a stored event belongs to a person being erased: one of its identifiers, hashed as the graph
 * hashes them (src/identity/graph/nodes.ts), is among the person's keys. Used by every store's erase().
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { keysOf, nodesOf } from "./nodes.ts";

export async function eventMatches(e: CanonicalEvent, keys: ReadonlySet<string>): Promise<boolean> {
  return keysOf(await nodesOf(e)).some((k) => keys.has(k));
}

/** The identifiers an event carries in clear, to find them in logged outbound requests. */
export function rawIdentifiers(e: CanonicalEvent): string[] {
  const out = [e.anonymous_id, e.user_id, e.user.email?.trim(), e.user.phone?.trim()].filter((v): v is string => typeof v === "string" && v.length >= 6);
  return [...new Set(out)];
}
