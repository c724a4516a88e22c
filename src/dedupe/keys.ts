/**
 * The dedupe keys of a canonical event and the shard each key lives in. An event is a duplicate when any of
 * its keys is already held: its event_id, its business key (the plan's `dedupe.key` property), or its
 * double-fire fingerprint (same visitor, name, properties and page within seconds).
 */
import type { Config } from "../config/schema.ts";
import { sha256Hex } from "../identity/hash.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { KeyClaim } from "./Deduper.ts";

const HOUR_MS = 3_600_000;

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

export async function dedupeKeys(cfg: Config, e: CanonicalEvent): Promise<KeyClaim[]> {
  const windowMs = cfg.dedupe.window_hours * HOUR_MS;
  const keys: KeyClaim[] = [{ key: `id:${e.event_id}`, ttl_ms: windowMs }];
  const rule = cfg.plan.events[e.name]?.dedupe;
  const value = rule ? e.properties[rule.key] : undefined;
  if (rule && value !== undefined && value !== null && value !== "") {
    const v = typeof value === "string" ? value : stableJson(value);
    keys.push({ key: `bk:${e.name}:${v.length > 200 ? await sha256Hex(v) : v}`, ttl_ms: (rule.window_hours ?? cfg.dedupe.window_hours) * HOUR_MS });
  }
  if (e.anonymous_id && cfg.dedupe.double_fire_seconds > 0) {
    // Identical means the same properties on the same page: two SPA page views a second apart are two views.
    const fp = await sha256Hex(stableJson({ p: e.properties, u: e.page.url, v: e.value, uid: e.user_id }));
    keys.push({ key: `df:${e.anonymous_id}:${e.name}:${fp}`, ttl_ms: cfg.dedupe.double_fire_seconds * 1000 });
  }
  return keys;
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
