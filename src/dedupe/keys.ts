/**
 * The dedupe keys of a canonical event. An event is a copy of another when they share a key: the event_id,
 * the business key (the plan's `dedupe.key` property), or the double-fire fingerprint (same visitor, name,
 * properties and page within seconds). Exact events (conversions) keep their keys in one Durable Object
 * shard, picked by the business key when there is one, else by the event_id, so all copies of one conversion
 * meet in the same object and one call decides them atomically.
 */
import type { Config } from "../config/schema.ts";
import { sha256Hex } from "../identity/hash.ts";
import type { CanonicalEvent } from "../event/canonical.ts";

const HOUR_MS = 3_600_000;

export interface KeyClaim {
  key: string;
  /** How long the key dedupes. */
  ttl_ms: number;
}

export interface EventKeys {
  /** event_id and business key: exact in a shard for conversions, per isolate otherwise. */
  keys: KeyClaim[];
  /** The double-fire fingerprint, checked per batch and per isolate for every event. */
  doubleFire: KeyClaim | null;
  /** Deduped exactly in the Durable Object shard `shard`. */
  exact: boolean;
  shard: number;
  /** How long the first copy waits for others to merge with (exact events only). */
  mergeMs: number;
}

/** JSON with object keys sorted, so equal properties give equal text whatever order they arrived in. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export async function dedupeKeys(cfg: Config, e: CanonicalEvent): Promise<EventKeys> {
  const windowMs = cfg.dedupe.window_hours * HOUR_MS;
  const id: KeyClaim = { key: `id:${e.event_id}`, ttl_ms: windowMs };
  const keys: KeyClaim[] = [id];
  const plan = cfg.plan.events[e.name];
  const rule = plan?.dedupe;
  const value = rule ? e.properties[rule.key] : undefined;
  let business: KeyClaim | undefined;
  if (rule && value !== undefined && value !== null && value !== "") {
    const v = typeof value === "string" ? value : stableJson(value);
    business = { key: `bk:${e.name}:${v.length > 200 ? await sha256Hex(v) : v}`, ttl_ms: (rule.window_hours ?? cfg.dedupe.window_hours) * HOUR_MS };
    keys.push(business);
  }
  let doubleFire: KeyClaim | null = null;
  if (e.anonymous_id && cfg.dedupe.double_fire_seconds > 0) {
    // Identical means the same properties on the same page: two SPA page views a second apart are two views.
    const fp = await sha256Hex(stableJson({ p: e.properties, u: e.page.url, v: e.value, uid: e.user_id }));
    doubleFire = { key: `df:${e.anonymous_id}:${e.name}:${fp}`, ttl_ms: cfg.dedupe.double_fire_seconds * 1000 };
  }
  const exact = cfg.dedupe.exact === "all" || business !== undefined || plan?.conversion === true;
  return {
    keys,
    doubleFire,
    exact,
    shard: shardOf((business ?? id).key, cfg.dedupe.shards),
    mergeMs: exact ? (rule?.merge_seconds ?? cfg.dedupe.merge_seconds) * 1000 : 0,
  };
}

/** FNV-1a: a fast, stable spread of keys over shards (not a security boundary). */
export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}
