/**
 * Click ids from landing URLs, kept with the time they were seen so a conversion days later still carries
 * them. gclid, gbraid and wbraid exclude each other: the latest wins. Stored in one first-party cookie as
 * `key:ms:value|…` with values URI-encoded.
 */
import { CLICK_ID_KEYS, type ClickIdKey } from "../event/canonical.ts";

export type StoredClicks = Partial<Record<ClickIdKey, { value: string; at: number }>>;

const GOOGLE_EXCLUSIVE: readonly ClickIdKey[] = ["gclid", "gbraid", "wbraid"];
const KEYS = new Set<string>(CLICK_ID_KEYS);
const VALUE = /^[A-Za-z0-9_.~+/=-]{1,512}$/;

/** Click ids present in a URL's query string; case-sensitive values, never altered. */
export function clickIdsFromUrl(params: URLSearchParams | null): Partial<Record<ClickIdKey, string>> {
  const out: Partial<Record<ClickIdKey, string>> = {};
  if (!params) return out;
  for (const key of CLICK_ID_KEYS) {
    const v = params.get(key);
    if (v && VALUE.test(v)) out[key] = v;
  }
  return out;
}

export function parseStoredClicks(cookie: string | undefined): StoredClicks {
  const out: StoredClicks = {};
  if (!cookie) return out;
  for (const entry of cookie.split("|")) {
    const [key, at, raw] = entry.split(":");
    if (!key || !KEYS.has(key) || !at || raw === undefined) continue;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      continue;
    }
    const ms = Number(at);
    if (!Number.isFinite(ms) || !VALUE.test(value)) continue;
    out[key as ClickIdKey] = { value, at: ms };
  }
  return out;
}

// Browsers drop a cookie over 4 KB whole; staying well under keeps the newest click ids instead of none.
const COOKIE_MAX = 3_000;

/** The cookie value, newest click ids first kept when all of them would not fit in COOKIE_MAX characters. */
export function serializeClicks(clicks: StoredClicks): string {
  const entries = Object.entries(clicks).sort(([, a], [, b]) => b.at - a.at);
  const out: string[] = [];
  let size = 0;
  for (const [k, c] of entries) {
    const part = `${k}:${c.at}:${encodeURIComponent(c.value)}`;
    if (size + part.length + 1 > COOKIE_MAX) continue;
    out.push(part);
    size += part.length + 1;
  }
  return out.join("|");
}

/** Adds newly seen click ids; a new Google id removes the other two kinds. Returns whether anything changed. */
export function mergeClicks(stored: StoredClicks, seen: Partial<Record<ClickIdKey, string>>, at: number): boolean {
  let changed = false;
  for (const key of CLICK_ID_KEYS) {
    const value = seen[key];
    if (!value) continue;
    const prev = stored[key];
    if (prev && prev.value === value) continue;
    if (GOOGLE_EXCLUSIVE.includes(key)) {
      for (const other of GOOGLE_EXCLUSIVE) if (other !== key) delete stored[other];
    }
    stored[key] = { value, at };
    changed = true;
  }
  return changed;
}

/** Drops click ids older than `maxAgeMs` (they no longer attribute). */
export function expireClicks(stored: StoredClicks, now: number, maxAgeMs: number): void {
  for (const key of Object.keys(stored) as ClickIdKey[]) {
    if (now - stored[key]!.at > maxAgeMs) delete stored[key];
  }
}
