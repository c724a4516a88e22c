/**
 * Claims the dedupe keys of a set of events across the Deduper shards. Shards are visited in ascending order
 * and an event refused by any shard releases what it claimed in earlier ones, so two copies of one action
 * can never both pass, and a refused copy never keeps keys. Claims stay pending until `confirm()` (the events
 * are queued); `release()` forgets them when queuing failed so the client's retry goes through.
 */
import type { Config } from "../config/schema.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import type { Claim, KeyClaim } from "./Deduper.ts";
import { dedupeKeys, shardOf } from "./keys.ts";

export function shard(env: Env, n: number) {
  return env.DEDUPER.get(env.DEDUPER.idFromName(`shard-${n}`));
}

export interface Ticket {
  /** Tokens refused: their event (or signature) was seen before. */
  refused: Set<string>;
  /** Makes the accepted claims last their full window. */
  confirm(): Promise<void>;
  /** Forgets the accepted claims (queuing failed). */
  release(): Promise<void>;
}

/** Claims `claims` (token → keys) across shards; see the module header for why the order matters. */
export async function claimKeys(cfg: Config, env: Env, claims: Map<string, KeyClaim[]>, now: number): Promise<Ticket> {
  const shards = cfg.dedupe.shards;
  const perShard = new Map<number, Claim[]>();
  for (const [token, keys] of claims) {
    const split = new Map<number, KeyClaim[]>();
    for (const k of keys) {
      const s = shardOf(k.key, shards);
      split.set(s, [...(split.get(s) ?? []), k]);
    }
    for (const [s, ks] of split) perShard.set(s, [...(perShard.get(s) ?? []), { token, keys: ks }]);
  }
  const refused = new Set<string>();
  const heldAt = new Map<number, string[]>();
  try {
    for (const s of [...perShard.keys()].sort((a, b) => a - b)) {
      const live = perShard.get(s)!.filter((c) => !refused.has(c.token));
      if (live.length === 0) continue;
      const no = await shard(env, s).claim(live, now);
      for (const t of no) refused.add(t);
      heldAt.set(s, live.map((c) => c.token).filter((t) => !no.includes(t)));
    }
  } catch (e) {
    // A shard failed midway: free what earlier shards hold, or the client's retry would look like a duplicate.
    await Promise.all([...heldAt].map(([s, tokens]) => shard(env, s).release(tokens))).catch(() => undefined);
    throw e;
  }
  const each = (pick: (t: string) => boolean, fn: (s: number, tokens: string[]) => Promise<void>) =>
    Promise.all(
      [...heldAt].map(([s, tokens]) => {
        const picked = tokens.filter(pick);
        return picked.length ? fn(s, picked) : Promise.resolve();
      }),
    ).then(() => undefined);
  // Refused events may hold claims in shards visited before the refusing one.
  await each((t) => refused.has(t), (s, tokens) => shard(env, s).release(tokens));
  const accepted = (t: string) => !refused.has(t);
  return {
    refused,
    confirm: () => each(accepted, (s, tokens) => shard(env, s).confirm(tokens, Date.now())),
    release: () => each(accepted, (s, tokens) => shard(env, s).release(tokens)),
  };
}

/** Claims every event's dedupe keys; an event refused is a duplicate. Tokens are the event's index. */
export async function claimEvents(cfg: Config, env: Env, events: readonly CanonicalEvent[], now: number) {
  const claims = new Map<string, KeyClaim[]>();
  const keys = await Promise.all(events.map((e) => dedupeKeys(cfg, e)));
  const tokens = events.map(() => crypto.randomUUID());
  tokens.forEach((t, i) => claims.set(t, keys[i]!));
  const ticket = await claimKeys(cfg, env, claims, now);
  const fresh = events.filter((_, i) => !ticket.refused.has(tokens[i]!));
  const duplicates = events.filter((_, i) => ticket.refused.has(tokens[i]!)).map((e) => e.event_id);
  return { ticket, fresh, duplicates };
}
