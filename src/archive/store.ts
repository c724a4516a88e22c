/**
 * The archive bucket (binding ARCHIVE): writing one consumer batch, reading a range of hours back, the purge
 * of hours past retention, and erasure. Objects are written once and never appended to (no read-modify-write
 * on the hot path); only erasure rewrites one (docs/archive.md).
 */
import type { Config } from "../config/schema.ts";
import { sealingKey, type SealingKey } from "../delivery/seal.ts";
import type { Env } from "../env.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { sha256Hex } from "../identity/hash.ts";
import { archiveKeyOf, gunzipLines, gzipLines, hourOfKey, hourPrefix, lineOf, PREFIX, type ArchiveLine } from "./lines.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export type ArchiveKeys = { write: SealingKey; all: SealingKey[] };

/** The bucket and the keys, or why archiving is off. */
export async function archiveOf(cfg: Config, env: Env): Promise<{ bucket: R2Bucket; keys: ArchiveKeys } | { off: string }> {
  if (!cfg.archive.enabled) return { off: "archive.enabled is false" };
  if (!env.ARCHIVE) return { off: "no ARCHIVE R2 bucket is bound (wrangler.toml)" };
  const secret = env[cfg.archive.key_secret];
  if (typeof secret !== "string" || secret === "") return { off: `the secret ${cfg.archive.key_secret} (archive.key_secret) is not set` };
  const write = await sealingKey(secret);
  const prev = cfg.archive.previous_key_secret ? env[cfg.archive.previous_key_secret] : undefined;
  const all = [write, ...(typeof prev === "string" && prev !== "" ? [await sealingKey(prev)] : [])];
  return { bucket: env.ARCHIVE, keys: { write, all } };
}

/**
 * The batch's accepted events as delivered: the consumer's units for them after the identity graph enriched
 * them (attribution, browser ids), so a backfill sends what the live delivery sent.
 */
export function acceptedOf(fresh: readonly CanonicalEvent[], units: readonly { event: CanonicalEvent; attempt: number; replayed_at?: number }[]): CanonicalEvent[] {
  const ids = new Set(fresh.map((e) => e.event_id));
  return units.filter((u) => u.attempt === 0 && u.replayed_at === undefined && ids.has(u.event.event_id)).map((u) => u.event);
}

let warned = "";
let lastPurge = 0;

/**
 * Archives the events one consumer batch accepted: one object per hour of acceptance they fall in (one,
 * nearly always), named after the batch's message ids, so a redelivered batch overwrites its own object
 * instead of adding a copy. Never throws: see docs/archive.md for why a failed write is logged, not retried.
 */
export async function archiveBatch(cfg: Config, env: Env, events: readonly CanonicalEvent[], messageIds: readonly string[], now: number): Promise<void> {
  if (events.length === 0) return;
  try {
    const a = await archiveOf(cfg, env);
    if ("off" in a) {
      // Once per isolate, unless it was turned off on purpose; a warning: deliveries go on, and P/health and
      // config:check name what is missing.
      if (cfg.archive.enabled && warned !== a.off) console.warn(`tagwire: events not archived: ${a.off}`);
      warned = a.off;
      return;
    }
    const batchId = (await sha256Hex([...messageIds].sort().join(","))).slice(0, 24);
    const byHour = new Map<string, ArchiveLine[]>();
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.event_id)) continue;
      seen.add(e.event_id);
      const prefix = hourPrefix(Date.parse(e.received_at));
      const list = byHour.get(prefix) ?? [];
      list.push(await lineOf(e, a.keys.write));
      byHour.set(prefix, list);
    }
    await Promise.all(
      [...byHour].map(async ([prefix, lines]) =>
        a.bucket.put(`${prefix}${batchId}.jsonl.gz`, await gzipLines(lines), {
          httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
          customMetadata: { events: String(lines.length), kid: a.keys.write.kid },
        }),
      ),
    );
    if (now - lastPurge > HOUR_MS) {
      lastPurge = now;
      await purgeArchive(a.bucket, cfg.archive.retention_days, now);
    }
  } catch (e) {
    console.error("tagwire: archive write failed, batch not archived", e instanceof Error ? e.message : String(e));
  }
}

/** Deletes objects of hours older than the retention, oldest first, at most `max` per call; returns how many. */
export async function purgeArchive(bucket: R2Bucket, retentionDays: number, now: number, max = 1000): Promise<number> {
  const cutoff = now - retentionDays * DAY_MS;
  const listed = await bucket.list({ prefix: PREFIX, limit: Math.min(max, 1000) });
  const old = listed.objects.map((o) => o.key).filter((k) => hourOfKey(k) + HOUR_MS <= cutoff);
  if (old.length) await bucket.delete(old);
  return old.length;
}

/** Keys of the objects holding events accepted in [from, to), oldest hour first; `after` resumes a listing. */
export async function listRange(bucket: R2Bucket, from: number, to: number, after: string | undefined, limit: number): Promise<{ keys: string[]; more: string | null }> {
  const start = hourPrefix(from).slice(0, -1);
  const keys: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    // The first page starts after the hour before `from` (or where the previous call stopped); later pages follow the cursor.
    const page = await bucket.list({ prefix: PREFIX, limit: Math.min(1000, limit + 1), ...(cursor ? { cursor } : { startAfter: after && after > start ? after : start }) });
    for (const o of page.objects) {
      const h = hourOfKey(o.key);
      if (Number.isNaN(h)) continue;
      if (h >= to) return { keys, more: null };
      if (keys.length === limit) return { keys, more: keys[keys.length - 1]! };
      keys.push(o.key);
    }
    if (!page.truncated) return { keys, more: null };
    cursor = page.cursor;
  }
}

export async function readObject(bucket: R2Bucket, key: string): Promise<ArchiveLine[]> {
  const obj = await bucket.get(key);
  return obj ? gunzipLines(obj.body) : [];
}

/**
 * Erasure: every object holding a line whose hashed identifiers meet the person's is rewritten without those
 * lines (deleted when none is left). It reads the archive object by object, oldest first, at most `max`
 * objects in one call (a Worker request's subrequests are bounded): `complete` is false when the archive has
 * more (docs/archive.md says what a large archive does instead). Returns counts.
 */
export const ERASE_MAX_OBJECTS = 3_000;

export async function eraseFromArchive(
  cfg: Config,
  env: Env,
  graphKeys: readonly string[],
  max = ERASE_MAX_OBJECTS,
): Promise<{ lines: number; objects: number; scanned: number; complete: boolean } | null> {
  if (!env.ARCHIVE || !cfg.archive.enabled) return null;
  const bucket = env.ARCHIVE;
  const wanted = new Set(await Promise.all(graphKeys.map(archiveKeyOf)));
  let lines = 0;
  let objects = 0;
  let scanned = 0;
  let cursor: string | undefined;
  do {
    if (scanned >= max) return { lines, objects, scanned, complete: false };
    const page = await bucket.list({ prefix: PREFIX, limit: Math.min(1000, max - scanned), ...(cursor ? { cursor } : {}) });
    for (let i = 0; i < page.objects.length; i += 20) {
      await Promise.all(
        page.objects.slice(i, i + 20).map(async (o) => {
          const obj = await bucket.get(o.key);
          if (!obj) return;
          scanned++;
          const all = await gunzipLines(obj.body);
          const kept = all.filter((l) => !l.k.some((k) => wanted.has(k)));
          if (kept.length === all.length) return;
          lines += all.length - kept.length;
          objects++;
          if (kept.length === 0) await bucket.delete(o.key);
          else await bucket.put(o.key, await gzipLines(kept), { httpMetadata: obj.httpMetadata ?? {}, customMetadata: { ...obj.customMetadata, events: String(kept.length) } });
        }),
      );
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { lines, objects, scanned, complete: true };
}
