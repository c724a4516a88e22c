/**
 * The consumer's dedupe gate: decides, for a batch of ingest messages, which events go out now, which are
 * held to merge with copies, and which are copies (duplicates, merged, or from a replayed signed request).
 * One Durable Object call per shard touched, all in parallel; non-conversions never reach an object.
 *
 * Order: signed requests' replay keys first (a replayed signature discards all its events), then every
 * event's double-fire fingerprint (per isolate), then its event_id and business key (exact in the shard for
 * conversions, per isolate for the rest). A claim is owned by `${owner}.${index}`, so a redelivered message
 * passes where any other copy is refused: there is no window in which a crash loses an event.
 */
import type { Config } from "../config/schema.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import type { IngestMessage } from "../queue/messages.ts";
import type { ClaimRequest, Verdict } from "./Deduper.ts";
import { dedupeKeys, shardOf } from "./keys.ts";
import { recentKeys, type RecentKeys } from "./recent.ts";
import { objectIn } from "../objects/locate.ts";

/** A signature stays used for twice the ±300 s window it is valid in. */
const SIGNATURE_TTL_MS = 2 * 300 * 1000;

export type Decision =
  | { kind: "admitted"; supersedes?: string }
  | { kind: "held"; shard: number; token: string; release_at: number }
  | { kind: "duplicate" | "merged" | "replayed" | "done"; by?: string; into?: string };

export interface Admitted {
  event: CanonicalEvent;
  token: string;
  signed: boolean;
  decision: Decision;
}

export function shardStub(env: Env, n: number) {
  return objectIn(env, "DEDUPER", `shard-${n}`);
}

/** Sends each shard its claims in one call, all shards at once; returns verdicts by token. */
async function claimAll(env: Env, perShard: Map<number, ClaimRequest[]>, now: number): Promise<Map<string, Verdict>> {
  const answers = await Promise.all([...perShard].map(([s, claims]) => shardStub(env, s).claim(claims, now)));
  const out = new Map<string, Verdict>();
  for (const list of answers) for (const v of list) out.set(v.token, v);
  return out;
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

export async function admit(cfg: Config, env: Env, messages: readonly IngestMessage[], now: number, recent: RecentKeys = recentKeys): Promise<Admitted[]> {
  // 1. Replay keys of signed requests, owned by the request (events 2..N of one signed batch pass).
  const sigClaims = new Map<number, ClaimRequest[]>();
  const sigOwners = new Set<string>();
  for (const m of messages) {
    if (!m.signed || sigOwners.has(m.owner)) continue;
    sigOwners.add(m.owner);
    const key = `sig:${m.signed.source}:${m.signed.signature}`;
    push(sigClaims, shardOf(key, cfg.dedupe.shards), { token: m.owner, keys: [{ key, ttl_ms: SIGNATURE_TTL_MS }], signed: false, holdMs: 0 });
  }
  const sigVerdicts = sigClaims.size ? await claimAll(env, sigClaims, now) : new Map<string, Verdict>();
  const replayed = (m: IngestMessage) => m.signed !== undefined && sigVerdicts.get(m.owner)?.verdict === "duplicate";

  // 2. Per event: double-fire and cheap keys here; exact keys gathered per shard.
  const out: Admitted[] = [];
  const exact = new Map<number, ClaimRequest[]>();
  const pending: { i: number; shard: number }[] = [];
  for (const m of messages) {
    const signed = m.signed !== undefined;
    for (let j = 0; j < m.events.length; j++) {
      const event = m.events[j]!;
      const token = `${m.owner}.${m.first + j}`;
      const a: Admitted = { event, token, signed, decision: { kind: "admitted" } };
      out.push(a);
      if (replayed(m)) {
        a.decision = { kind: "replayed" };
        continue;
      }
      const k = await dedupeKeys(cfg, event);
      if (k.doubleFire && !recent.claim([k.doubleFire], token, signed, now)) {
        a.decision = { kind: "duplicate" };
        continue;
      }
      if (!k.exact) {
        if (!recent.claim(k.keys, token, signed, now)) a.decision = { kind: "duplicate" };
        continue;
      }
      const claim: ClaimRequest = { token, keys: k.keys, signed, holdMs: k.mergeMs };
      if (k.mergeMs > 0) claim.event = event;
      push(exact, k.shard, claim);
      pending.push({ i: out.length - 1, shard: k.shard });
    }
  }

  // 3. Conversions: one call per shard.
  if (exact.size) {
    const verdicts = await claimAll(env, exact, now);
    for (const { i, shard } of pending) {
      const a = out[i]!;
      const v = verdicts.get(a.token);
      if (!v) throw new Error(`dedupe shard ${shard} gave no verdict`);
      if (v.verdict === "admitted") a.decision = v.supersedes ? { kind: "admitted", supersedes: v.supersedes } : { kind: "admitted" };
      else if (v.verdict === "held") a.decision = { kind: "held", shard, token: a.token, release_at: v.release_at };
      else if (v.verdict === "done") a.decision = { kind: "done" };
      else a.decision = v.into !== undefined ? { kind: v.verdict, by: v.by, into: v.into } : { kind: v.verdict, by: v.by };
    }
  }
  return out;
}
