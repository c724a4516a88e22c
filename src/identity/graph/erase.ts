/**
 * Erasure of one person from every store Tagwire can reach: the identity graph (the person's root, every
 * identifier linked to it, its touches and browser ids), held copies in the dedupe shards, dead letters and
 * the debug log. Stores are matched by the person's identifiers hashed as the graph hashes them, so no store
 * needs to keep them in clear. The ledger and the archive follow (src/ledger, src/archive). What cannot be erased is listed in the answer (docs/identity.md).
 */
import type { Config } from "../../config/schema.ts";
import { shardStub } from "../../dedupe/admit.ts";
import { debugLog } from "../../debug/record.ts";
import { deadLetters } from "../../delivery/DeadLetters.ts";
import { eraseFromArchive } from "../../archive/store.ts";
import { eraseFromLedger } from "../../ledger/record.ts";
import type { Env } from "../../env.ts";
import { graphStub, type GraphResult } from "./IdentityGraph.ts";
import { anonymousKey, emailKey, graphShard, phoneKey, userKey } from "./nodes.ts";

export interface EraseRequest {
  user_id?: string;
  email?: string;
  phone?: string;
  anonymous_id?: string;
}

export interface EraseReport {
  erased: { identity_graph: number; dedupe_holds: number; dead_letters: number; debug_log: number; ledger_events: number; archive_events: number };
  /** Archive objects read and rewritten (or deleted) to take the person's events out; null when there is no archive. */
  archive: { objects_scanned: number; objects_rewritten: number; complete: boolean } | null;
  not_erased: string[];
}

export const NOT_ERASED = [
  "events still in the delivery queue (including retries and merge-window releases): they age out with the queue's retention (4 days by default) and are delivered meanwhile",
  "what destinations already received: ask each vendor (their own deletion APIs)",
  "isolate memory (recent dedupe fingerprints, the graph's root cache): it holds hashed keys only and is gone within minutes",
  "counters (P/admin/stats): they count events by name and destination and hold no identifier",
  "ledger rows written before the ledger stored identity keys: only the user_id and anonymous_id given in the request reach them",
];

export async function keysOfRequest(r: EraseRequest): Promise<string[]> {
  const keys = await Promise.all([
    r.user_id ? userKey(r.user_id) : undefined,
    r.email ? emailKey(r.email) : undefined,
    r.phone ? phoneKey(r.phone) : undefined,
    r.anonymous_id ? anonymousKey(r.anonymous_id) : undefined,
  ]);
  return keys.filter((k): k is string => k !== undefined);
}

async function eraseFromGraph(cfg: Config, env: Env, start: string[], now: number): Promise<{ keys: string[]; deleted: number }> {
  const shards = cfg.identity.shards;
  const call = (key: string, op: Parameters<ReturnType<typeof graphStub>["run"]>[0][number]) =>
    graphStub(env, graphShard(key, shards)).run([op], now).then((r) => (r as GraphResult[])[0]!);
  // The roots these identifiers belong to (aliases point at most three hops up).
  const found = new Set<string>(start);
  let frontier = [...start];
  for (let hop = 0; hop < 4 && frontier.length; hop++) {
    const results = await Promise.all(frontier.map((k) => call(k, { op: "resolve", key: k })));
    frontier = results.flatMap((r) => (r.kind === "root" && !found.has(r.root) ? [r.root] : []));
    for (const k of frontier) found.add(k);
  }
  // Delete every known key; each deleted root names its members, which are deleted in turn.
  let deleted = 0;
  const done = new Set<string>();
  frontier = [...found];
  for (let round = 0; round < 6 && frontier.length; round++) {
    const results = await Promise.all(frontier.map((k) => call(k, { op: "erase", keys: [k] })));
    for (const k of frontier) done.add(k);
    const next = new Set<string>();
    for (const r of results) {
      if (r.kind !== "erased") continue;
      deleted += r.deleted;
      for (const m of r.members) if (!done.has(m)) next.add(m);
    }
    for (const m of next) found.add(m);
    frontier = [...next];
  }
  return { keys: [...found], deleted };
}

export async function erasePerson(cfg: Config, env: Env, r: EraseRequest, now: number): Promise<EraseReport> {
  const start = await keysOfRequest(r);
  const graph = await eraseFromGraph(cfg, env, start, now);
  const keys = graph.keys;
  const rawIds = [r.user_id?.trim(), r.anonymous_id].filter((v): v is string => v !== undefined && v !== "");
  const [holds, dead, debug, ledger, archive] = await Promise.all([
    Promise.all(Array.from({ length: cfg.dedupe.shards }, (_, s) => shardStub(env, s).erase(keys))).then((ns) => ns.reduce((a, b) => a + b, 0)),
    deadLetters(env).erase(keys),
    debugLog(env).erase(keys),
    eraseFromLedger(env, cfg, rawIds, keys, now),
    eraseFromArchive(cfg, env, keys),
  ]);
  return {
    erased: { identity_graph: graph.deleted, dedupe_holds: holds, dead_letters: dead, debug_log: debug, ledger_events: ledger, archive_events: archive?.lines ?? 0 },
    archive: archive ? { objects_scanned: archive.scanned, objects_rewritten: archive.objects, complete: archive.complete } : null,
    not_erased: archive && !archive.complete ? [...NOT_ERASED, `archive objects beyond the first ${archive.scanned} scanned: the archive is larger than one erase call reads (docs/archive.md)`] : NOT_ERASED,
  };
}
