/**
 * One archive object: the events one consumer batch accepted within one hour, as gzip-compressed JSON lines
 * under `archive/YYYY/MM/DD/HH/<batch-id>.jsonl.gz`. Each line keeps in clear only what listing, backfill and
 * erasure filter on (event_id, received_at, name, source, and the person's identifiers hashed); the whole
 * canonical event is sealed (src/delivery/seal.ts, AES-256-GCM) because PII is spread over it: email and phone,
 * IP, user agent, page URLs with their query strings, free-form properties.
 */
import type { CanonicalEvent } from "../event/canonical.ts";
import { sha256Hex } from "../identity/hash.ts";
import { keysOf, nodesOf } from "../identity/graph/nodes.ts";
import { seal, unseal, type SealingKey } from "../delivery/seal.ts";

export const PREFIX = "archive/";
const HOUR_MS = 3_600_000;

export interface ArchiveLine {
  id: string;
  /** received_at, epoch ms. */
  t: number;
  n: string;
  s: string;
  /** The event's identity-graph keys, hashed again under the archive's label (erasure matches on them). */
  k: string[];
  /** The canonical event, sealed; additional data: the event_id. */
  e: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `archive/YYYY/MM/DD/HH/` of an instant (UTC). */
export function hourPrefix(ms: number): string {
  const d = new Date(ms);
  return `${PREFIX}${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/`;
}

export const hourStart = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** The hour an object key belongs to (epoch ms), or NaN for a key outside the layout. */
export function hourOfKey(key: string): number {
  const m = /^archive\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(key);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : Number.NaN;
}

/** The archive's hash of an identity-graph key (src/identity/graph/nodes.ts): matchable, not reversible. */
export async function archiveKeyOf(graphKey: string): Promise<string> {
  return (await sha256Hex(`tagwire-archive:${graphKey}`)).slice(0, 32);
}

export async function lineOf(e: CanonicalEvent, key: SealingKey): Promise<ArchiveLine> {
  const keys = await Promise.all(keysOf(await nodesOf(e)).map(archiveKeyOf));
  return { id: e.event_id, t: Date.parse(e.received_at), n: e.name, s: e.source, k: keys, e: await seal(JSON.stringify(e), key, e.event_id) };
}

export async function openLine(l: ArchiveLine, keys: readonly SealingKey[]): Promise<CanonicalEvent | undefined> {
  const plain = await unseal(l.e, keys, l.id);
  return plain === undefined ? undefined : (JSON.parse(plain) as CanonicalEvent);
}

export async function gzipLines(lines: readonly ArchiveLine[]): Promise<ArrayBuffer> {
  const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
}

export async function gunzipLines(body: ReadableStream): Promise<ArchiveLine[]> {
  const text = await new Response(body.pipeThrough(new DecompressionStream("gzip"))).text();
  return text
    .split("\n")
    .filter((s) => s !== "")
    .map((s) => JSON.parse(s) as ArchiveLine);
}
