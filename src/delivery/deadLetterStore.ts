/**
 * The dead-letter store as the consumer, the admin routes and replay see it: `add`, `list`, `takeForReplay`,
 * `unmark`. Dead letters hold raw PII (a CRM replay needs the email), so each payload is sealed with AES-GCM
 * under the key from `dead_letters.key_secret` before it leaves the Worker, kept `retention_days`, and spread
 * over `shards` objects. A full shard spills into the next; when every shard is full `add` throws
 * DeadLettersFull and the consumer leaves the events in the queue (back-pressure): nothing is deleted early
 * and nothing refused is lost.
 *
 * Without the key secret, dead letters are still stored (losing them would be worse) but in clear, still
 * purged after the retention, and the store says so: `status()`, each listed row's `encrypted: false`, and a
 * warning in the log on the first write of each isolate.
 */
import { loadConfig } from "../config/load.ts";
import { eventMatches } from "../identity/graph/match.ts";
import { DEAD_LETTER_DEFAULTS, type DeadLetterSettings } from "../config/schema.ts";
import type { Progress } from "../destinations/types.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import type { NewRow, StoredRow } from "./DeadLetters.ts";
import { kidOf, seal, sealingKey, unseal, type SealingKey } from "./seal.ts";
import { objectIn } from "../objects/locate.ts";

export interface DeadLetterInput {
  destination: string;
  event: CanonicalEvent;
  attempts: number;
  /** Outcome kind that ended delivery: drop, auth, expired (retries outlived freshness) or consumer. */
  reason: string;
  status: number;
  body: string;
  /** What delivery had achieved for this event (steps done), so a replay does not repeat it. */
  progress?: Progress;
  /**
   * Where it came from, when a rerun may add it again (the dead-letter queue's message id): one row per origin,
   * destination and event, so a redelivered batch stores nothing twice.
   */
  origin?: string;
}

export interface DeadLetter {
  /** `<shard>:<row>`: unique across shards. */
  id: string;
  event_id: string;
  at: string;
  destination: string;
  reason: string;
  status: number;
  attempts: number;
  /** Null when the row cannot be opened (sealed with a key that is no longer set): see `problem`. */
  event: CanonicalEvent | null;
  body: string;
  progress?: Progress;
  replayed_at: string | null;
  /** False for rows stored while no key secret was set (and for rows from before encryption). */
  encrypted: boolean;
  problem?: string;
}

export interface DeadLetterQuery {
  destination?: string;
  /** Epoch ms: only dead letters recorded at or after this. */
  since?: number;
  /** Include entries already replayed (listing only). */
  replayed?: boolean;
  limit?: number;
}

/** Every shard is at `max_rows_per_shard`: the caller must keep the events (not ack) and try later. */
export class DeadLettersFull extends Error {
  constructor(rows: number) {
    super(`dead-letter store full: ${rows} dead letter(s) not stored; raise dead_letters.shards or max_rows_per_shard, or replay`);
    this.name = "DeadLettersFull";
  }
}

interface Payload {
  event: CanonicalEvent;
  body: string;
  progress?: Progress;
}

/** Object name of the single store of versions before sharding; shards are `<name>-0` … */
const NAME = "dead-letters";
/** Shard label of that object: still listed and replayed, never written. */
const LEGACY = "legacy";
const BODY_MAX = 4_000;
const DAY_MS = 86_400_000;
let warned = false;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const aadOf = (r: { destination: string; event_id: string; at: number }) => `${r.destination}\n${r.event_id}\n${r.at}`;

export class DeadLetterStore {
  /** `name` names the objects (`<name>`, `<name>-0`, …); tests give each store its own. */
  constructor(
    private readonly env: Env,
    private readonly settings: DeadLetterSettings,
    private readonly name = NAME,
  ) {}

  private stub(shard: string) {
    return objectIn(this.env, "DEAD_LETTERS", shard === LEGACY ? this.name : `${this.name}-${shard}`);
  }

  /** Shard labels: the legacy object first, then 0..shards-1. */
  private shards(): string[] {
    return [LEGACY, ...Array.from({ length: this.settings.shards }, (_, i) => String(i))];
  }

  private secret(name: string | undefined): string | undefined {
    const v = name === undefined ? undefined : this.env[name];
    return typeof v === "string" && v !== "" ? v : undefined;
  }

  private async keys(): Promise<{ current: SealingKey | undefined; all: SealingKey[] }> {
    const cur = this.secret(this.settings.key_secret);
    const prev = this.secret(this.settings.previous_key_secret);
    const current = cur ? await sealingKey(cur) : undefined;
    const all = [current, prev ? await sealingKey(prev) : undefined].filter((k): k is SealingKey => k !== undefined);
    return { current, all };
  }

  /** Whether new dead letters are encrypted, and what to do when they are not. */
  status(): { encrypted: boolean; key_secret: string; retention_days: number; warning?: string } {
    const encrypted = this.secret(this.settings.key_secret) !== undefined;
    const out = { encrypted, key_secret: this.settings.key_secret, retention_days: this.settings.retention_days };
    return encrypted
      ? out
      : { ...out, warning: `dead letters are stored unencrypted: set the secret (wrangler secret put ${this.settings.key_secret})` };
  }

  async add(entries: readonly DeadLetterInput[], now: number): Promise<void> {
    if (entries.length === 0) return;
    const { current } = await this.keys();
    if (!current && !warned) {
      warned = true;
      console.warn(`tagwire: ${this.status().warning}`);
    }
    const expires = now + this.settings.retention_days * DAY_MS;
    const rows: NewRow[] = await Promise.all(
      entries.map(async (e) => {
        const base = { at: now, expires_at: expires, destination: e.destination, event_id: e.event.event_id, reason: e.reason, status: e.status, attempts: e.attempts };
        const p: Payload = { event: e.event, body: e.body.slice(0, BODY_MAX), ...(e.progress ? { progress: e.progress } : {}) };
        const json = JSON.stringify(p);
        return { ...base, payload: current ? await seal(json, current, aadOf(base)) : json, ...(e.origin !== undefined ? { origin: e.origin } : {}) };
      }),
    );
    // One call for the whole batch in the common case; a full shard hands the rest to the next one.
    const n = this.settings.shards;
    const first = fnv1a(rows[0]!.event_id) % n;
    let rest = rows;
    for (let i = 0; i < n && rest.length; i++) {
      const accepted = await this.stub(String((first + i) % n)).add(rest, this.settings.max_rows_per_shard);
      rest = rest.slice(accepted);
    }
    if (rest.length) throw new DeadLettersFull(rest.length);
  }

  /** Raw rows of every shard matching `q`, merged oldest first, at most `limit`. */
  private async rows(q: DeadLetterQuery, withReplayed: boolean, now: number): Promise<{ shard: string; row: StoredRow }[]> {
    const limit = Math.max(1, Math.min(1_000, q.limit ?? 100));
    const query = { withReplayed, limit, ...(q.destination ? { destination: q.destination } : {}), ...(q.since !== undefined ? { since: q.since } : {}) };
    const per = await Promise.all(
      this.shards().map(async (shard) => ((await this.stub(shard).list(query, now)) as StoredRow[]).map((row) => ({ shard, row }))),
    );
    return per
      .flat()
      .sort((a, b) => a.row.at - b.row.at || a.shard.localeCompare(b.shard) || a.row.id - b.row.id)
      .slice(0, limit);
  }

  private async open(shard: string, r: StoredRow, keys: SealingKey[]): Promise<DeadLetter> {
    const out: DeadLetter = {
      id: `${shard}:${r.id}`,
      event_id: r.event_id,
      at: new Date(r.at).toISOString(),
      destination: r.destination,
      reason: r.reason,
      status: r.status,
      attempts: r.attempts,
      event: null,
      body: "",
      replayed_at: r.replayed_at === null ? null : new Date(r.replayed_at).toISOString(),
      encrypted: false,
    };
    if (r.payload === "") return { ...out, event: JSON.parse(r.legacy_event) as CanonicalEvent, body: r.legacy_body };
    let json: string | undefined = r.payload;
    if (!r.payload.startsWith("{")) {
      out.encrypted = true;
      json = await unseal(r.payload, keys, aadOf(r));
      if (json === undefined) {
        return { ...out, problem: `sealed with key ${kidOf(r.payload) ?? "?"}, which is not set (dead_letters.key_secret / previous_key_secret)` };
      }
    }
    const p = JSON.parse(json) as Payload;
    return { ...out, event: p.event, body: p.body, ...(p.progress ? { progress: p.progress } : {}) };
  }

  async list(q: DeadLetterQuery, now = Date.now()): Promise<DeadLetter[]> {
    const { all } = await this.keys();
    const rows = await this.rows(q, q.replayed === true, now);
    return Promise.all(rows.map(({ shard, row }) => this.open(shard, row, all)));
  }

  /**
   * Marks matching, not yet replayed dead letters as replayed and returns them for re-enqueueing. Rows that
   * cannot be opened (their key is not set) stay dead letters.
   */
  async takeForReplay(q: DeadLetterQuery, now: number): Promise<DeadLetter[]> {
    const { all } = await this.keys();
    const opened = await Promise.all((await this.rows(q, false, now)).map(async ({ shard, row }) => ({ shard, row, d: await this.open(shard, row, all) })));
    const byShard = new Map<string, number[]>();
    for (const o of opened) if (o.d.event) byShard.set(o.shard, [...(byShard.get(o.shard) ?? []), o.row.id]);
    const marked = new Set<string>();
    await Promise.all(
      [...byShard].map(async ([shard, ids]) => {
        for (const id of await this.stub(shard).mark(ids, now)) marked.add(`${shard}:${id}`);
      }),
    );
    return opened.filter((o) => marked.has(o.d.id)).map((o) => ({ ...o.d, replayed_at: new Date(now).toISOString() }));
  }

  /**
   * Erasure (docs/identity.md): deletes every dead letter whose event carries one of these hashed identity
   * keys, opening sealed rows to look; returns how many were deleted. Rows sealed with a key no longer set
   * cannot be read and are left (reported by the caller as not erasable).
   */
  async erase(keys: readonly string[]): Promise<number> {
    const set = new Set(keys);
    const { all } = await this.keys();
    let n = 0;
    for (const shard of this.shards()) {
      const stub = this.stub(shard);
      for (let after = 0; ; ) {
        const rows = (await stub.page(after, 500)) as StoredRow[];
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.id;
        const gone: number[] = [];
        for (const r of rows) {
          const d = await this.open(shard, r, all);
          if (d.event && (await eventMatches(d.event, set))) gone.push(r.id);
        }
        if (gone.length) n += await stub.remove(gone);
      }
    }
    return n;
  }

  /** Re-enqueueing failed: the entries are dead letters again. */
  async unmark(ids: readonly string[]): Promise<void> {
    const byShard = new Map<string, number[]>();
    for (const id of ids) {
      const at = id.lastIndexOf(":");
      const shard = id.slice(0, at);
      byShard.set(shard, [...(byShard.get(shard) ?? []), Number(id.slice(at + 1))]);
    }
    await Promise.all([...byShard].map(([shard, rows]) => this.stub(shard).unmark(rows)));
  }
}

/** The store for this Worker, with the config's `dead_letters` settings (the defaults when the config is broken). */
export function deadLetters(env: Env): DeadLetterStore {
  const loaded = loadConfig(env.TAGWIRE_CONFIG);
  return new DeadLetterStore(env, loaded.ok ? loaded.config.dead_letters : { ...DEAD_LETTER_DEFAULTS });
}
