/**
 * The identity graph's node keys: each identifier an event carries, normalized and hashed (SHA-256), with
 * its kind as a prefix: `u:` user id, `e:` email, `p:` phone, `a:` anonymous id. Nothing in the graph holds
 * an identifier in clear. Also decides which events may merge persons (mayMerge) and where a key is stored.
 */
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized, sha256Hex } from "../hash.ts";
import { normalizeEmail, normalizePhone } from "../normalize.ts";
import { shardOf } from "../../dedupe/keys.ts";

export type NodeKind = "u" | "e" | "p" | "a";

/** A person's root is its highest-ranked identifier: a user id outranks an email, a phone, an anonymous id. */
export const RANK: Readonly<Record<NodeKind, number>> = { u: 3, e: 2, p: 1, a: 0 };

export const kindOf = (key: string): NodeKind => key[0] as NodeKind;
export const rankOf = (key: string): number => RANK[kindOf(key)];
export const isUserKey = (key: string): boolean => key.startsWith("u:");

export interface EventNodes {
  user?: string;
  email?: string;
  phone?: string;
  anonymous?: string;
}

export async function userKey(userId: string): Promise<string | undefined> {
  const t = userId.trim();
  return t ? `u:${await sha256Hex(t)}` : undefined;
}

export async function emailKey(email: string): Promise<string | undefined> {
  const n = normalizeEmail(email);
  return n ? `e:${await hashNormalized(n)}` : undefined;
}

export async function phoneKey(phone: string, country?: string | null): Promise<string | undefined> {
  const n = normalizePhone(phone, "e164", country);
  return n ? `p:${await hashNormalized(n)}` : undefined;
}

export async function anonymousKey(id: string): Promise<string> {
  return `a:${await sha256Hex(id)}`;
}

/** The node keys of an event's identifiers (hashed). */
export async function nodesOf(e: Pick<CanonicalEvent, "user_id" | "user" | "anonymous_id" | "context">): Promise<EventNodes> {
  const out: EventNodes = {};
  if (e.user_id) {
    const k = await userKey(e.user_id);
    if (k) out.user = k;
  }
  if (e.user.email) {
    const k = await emailKey(e.user.email);
    if (k) out.email = k;
  }
  if (e.user.phone) {
    const k = await phoneKey(e.user.phone, e.user.country ?? e.context.geo.country);
    if (k) out.phone = k;
  }
  if (e.anonymous_id) out.anonymous = await anonymousKey(e.anonymous_id);
  return out;
}

export const keysOf = (n: EventNodes): string[] => [n.user, n.email, n.phone, n.anonymous].filter((k): k is string => k !== undefined);

/**
 * Whether this event's identifiers may merge two persons: only when they are verified. Today that is a
 * signed server event (P/s2s), or an event whose user id the site's backend signed (identity.verify_user_id:
 * the pipeline sets `user_id_verified`). Kept in this one function so the rule can change in one place.
 */
export function mayMerge(e: CanonicalEvent, signed: boolean): boolean {
  if (e.source === "server" && signed) return true;
  return e.user_id_verified === true;
}

/** The graph shard holding a node. */
export const graphShard = (key: string, shards: number): number => shardOf(key, shards);
