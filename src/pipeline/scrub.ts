/**
 * Removes emails and phone numbers from the parts of an event that are not meant to carry them: page URL
 * (path, query, fragment, credentials), referrer, title, campaign values, ids and free properties. Traits are
 * left alone: they are where PII belongs, and each destination normalizes and hashes them as its API demands.
 * Runs once, before any destination sees the event.
 *
 * A found value becomes `[email:<16 hex>]` or `[phone:<16 hex>]` (a digest of the normalized value), so distinct
 * values stay distinct for dedupe keys and counts.
 *
 * Phones are recognised by their shape, not by digits alone: a "+" or "00" prefix, or at least three groups
 * with separators ("(415) 555-0100", "020 7946 0958"), 9 to 15 digits. A bare run of digits is left alone:
 * it is far more often an order number, a timestamp or a session id than a phone number.
 */
import { sha256HexSync } from "../identity/sha256.ts";

/**
 * What replaces a found email or phone: the kind and a short digest of the value, so two different emails stay
 * different (a dedupe key, a count of distinct values) while the value itself is gone.
 */
function mark(kind: "email" | "phone", value: string): string {
  const norm = kind === "email" ? decoded(value).trim().toLowerCase() : value.replace(/\D/g, "");
  return `[${kind}:${sha256HexSync(norm).slice(0, 16)}]`;
}

const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi;
const PHONE = /(?<![\w+])(?:\+|\b00)?\(?\d[\d ().\-\u00a0]{5,24}\d(?!\w)/g;
// Cheap necessary condition for PHONE (a "+"/"00" prefix, or three digit groups with separators).
const PHONE_HINT = /\+\(?\d|\b00\d|\d[ ().\-\u00a0]+\d+[ ().\-\u00a0]+\d/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// A UUID whose middle groups happen to be all digits ("…-7736-4937-9247-…") looks like a phone number: keep UUIDs.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const DATE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{4}$/;

function phoneLike(m: string): boolean {
  const digits = m.replace(/\D/g, "").length;
  if (digits < 9 || digits > 15) return false;
  const t = m.trim();
  if (t.startsWith("+") || t.startsWith("00")) return true;
  if (IPV4.test(t) || DATE.test(t)) return false;
  return t.split(/[ ().\-\u00a0]+/).filter(Boolean).length >= 3;
}

/** Whether a string holds an email or a phone number. */
export function hasPii(s: string): boolean {
  return scrubText(s) !== s;
}

/** The string with every email replaced by [email:…] and every phone number by [phone:…]. */
export function scrubText(s: string): string {
  let out = s;
  if (out.includes("@") || out.includes("%40")) out = out.replace(EMAIL, (m) => mark("email", m));
  if (out.length >= 9 && PHONE_HINT.test(out)) {
    const uuids: string[] = [];
    out = out
      .replace(UUID, (u) => `\u0000${uuids.push(u) - 1}\u0000`)
      .replace(PHONE, (m) => (phoneLike(m) ? mark("phone", m) : m))
      .replace(/\u0000(\d+)\u0000/g, (_, i: string) => uuids[Number(i)]!);
  }
  return out;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A path (as sent, possibly percent-encoded): unchanged unless it holds PII, then decoded and scrubbed. */
export function scrubPath(p: string): string {
  const d = decoded(p);
  const s = scrubText(d);
  return s === d ? p : s;
}

/** A URL with PII removed from its path segments, query (names and values), fragment and credentials. */
export function scrubUrl(raw: string): string {
  // The common case costs one scan, not a URL parse: nothing that looks like PII anywhere in the text.
  // Checked as sent and with "+" read as a space (as a query string means it).
  const clean = (t: string) => !t.includes("@") && scrubText(t) === t;
  const flat = raw.includes("%") ? decoded(raw) : raw;
  if (clean(flat) && (!raw.includes("+") || clean(decoded(raw.replace(/\+/g, " "))))) return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return scrubText(raw);
  }
  let changed = false;
  if (url.username || url.password) {
    url.username = "";
    url.password = "";
    changed = true;
  }
  const segments = url.pathname.split("/");
  const cleanSegments = segments.map((seg) => {
    const d = decoded(seg);
    const s = scrubText(d);
    return s === d ? seg : encodeURIComponent(s);
  });
  if (cleanSegments.some((s, i) => s !== segments[i])) {
    url.pathname = cleanSegments.join("/");
    changed = true;
  }
  if (url.search) {
    const pairs = [...url.searchParams];
    const clean = pairs.map(([k, v]) => [scrubText(k), scrubText(v)] as const);
    if (clean.some(([k, v], i) => k !== pairs[i]![0] || v !== pairs[i]![1])) {
      url.search = new URLSearchParams(clean as [string, string][]).toString();
      changed = true;
    }
  }
  if (url.hash) {
    const d = decoded(url.hash.slice(1));
    const s = scrubText(d);
    if (s !== d) {
      url.hash = encodeURIComponent(s);
      changed = true;
    }
  }
  return changed ? url.href : raw;
}

/** The value with its strings scrubbed, nested too; the very same value when nothing changed (no copies). */
function scrubValue(v: unknown): unknown {
  if (typeof v === "string") return scrubText(v);
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = scrubValue(v[i]);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const y = scrubValue(x);
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

/** Free properties scrubbed, except the top-level ones named in `keep` (privacy.keep_properties). */
export function scrubProperties(props: Record<string, unknown>, keep: readonly string[]): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(props)) {
    if (keep.includes(k)) continue;
    const x = scrubValue(v);
    if (x !== v) (out ??= { ...props })[k] = x;
  }
  return out ?? props;
}

export const scrubNullable = (s: string | null, f: (s: string) => string): string | null => (s === null ? null : f(s));

/** An id that holds PII is dropped, not masked: a vendor must not receive a person's email as their id, even digested. */
export const idWithoutPii = (s: string | null): string | null => (s !== null && hasPii(s) ? null : s);
