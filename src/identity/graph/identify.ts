/**
 * The consumer's one call into the identity graph, between dedupe and delivery: for a batch's fresh events
 * it links verified identifiers into persons, records visits and touches, and returns the events with
 * `attribution` (conversions) and browser ids from the graph (signed server events) added. Never on the
 * request path; one Durable Object call per shard touched per phase, all shards of a phase in parallel.
 *
 * Phases: resolve each identifier's root (cached per isolate; a stale entry is corrected by the object,
 * which answers "moved"), link (reserve at the root under the cap → claim at the identifier's shard →
 * adopt at the root), observe (each event's visit, touch and browser ids at its person's root; read back
 * for conversions and server events). Page views in a session this isolate has already observed, with no
 * identifiers to link and no conversion, cost nothing.
 */
import { BoundedMap } from "../../cache/BoundedMap.ts";
import type { Config } from "../../config/schema.ts";
import type { CanonicalEvent } from "../../event/canonical.ts";
import type { Env } from "../../env.ts";
import { graphStub, type GraphOp, type GraphResult } from "./IdentityGraph.ts";
import { graphShard, isUserKey, keysOf, mayMerge, nodesOf, rankOf } from "./nodes.ts";
import { attributionOf, browserIdsFor, type Observation, type PersonState } from "./state.ts";
import { observationOf } from "./touch.ts";

/** The part of a consumer unit this step reads: fresh events only (not retries or replays). */
export interface IdentifyUnit {
  event: CanonicalEvent;
  attempt: number;
  replayed_at?: number;
}

/** Isolate memory: identifier → root, and sessions already observed. Bounded; losing it costs calls only. */
const MEMO_MAX = 50_000;
const roots = new BoundedMap<string, string>(MEMO_MAX);
const sessions = new BoundedMap<string, true>(MEMO_MAX);

/** For tests: forget what this isolate learnt. */
export function forgetIdentityMemo(): void {
  roots.clear();
  sessions.clear();
}

/** Conversions are the plan's exact events (src/dedupe/keys.ts): a business key or `conversion = true`. */
export function isConversion(cfg: Config, e: CanonicalEvent): boolean {
  const plan = cfg.plan.events[e.name];
  return plan?.dedupe !== undefined || plan?.conversion === true;
}

/** Sends each shard its operations in one call, all shards at once; results in the order of `ops`. */
async function runAll(env: Env, shards: number, ops: { shard: string; op: GraphOp }[], now: number): Promise<GraphResult[]> {
  const byShard = new Map<number, number[]>();
  ops.forEach((o, i) => {
    const s = graphShard(o.shard, shards);
    const list = byShard.get(s);
    if (list) list.push(i);
    else byShard.set(s, [i]);
  });
  const out: GraphResult[] = new Array(ops.length);
  await Promise.all(
    [...byShard].map(async ([s, idx]) => {
      const results = (await graphStub(env, s).run(idx.map((i) => ops[i]!.op), now)) as GraphResult[];
      idx.forEach((i, j) => (out[i] = results[j]!));
    }),
  );
  return out;
}

interface Work {
  i: number;
  event: CanonicalEvent;
  /** Keys that may be linked together (verified identifiers). */
  link: string[];
  /** The anonymous id's key when it may not be linked (an unverified browser). */
  anonymous?: string;
  obs: Observation | null;
  read: boolean;
  conversion: boolean;
  trustedServer: boolean;
  root?: string;
}

export async function identify<U extends IdentifyUnit>(cfg: Config, env: Env, units: readonly U[], now: number): Promise<U[]> {
  if (!cfg.identity.enabled || !env.IDENTITY) return [...units];
  try {
    return await identifyOrThrow(cfg, env, units, now);
  } catch (e) {
    // The graph must never hold delivery back: events go out without attribution, and this batch's links
    // and touches are lost (docs/identity.md).
    console.error("tagwire: identity graph unreachable, events delivered without it", e instanceof Error ? e.message : String(e));
    return [...units];
  }
}

async function identifyOrThrow<U extends IdentifyUnit>(cfg: Config, env: Env, units: readonly U[], now: number): Promise<U[]> {
  const { shards, max_links: cap, direct_window_days: windowDays } = cfg.identity;
  const work: Work[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const e = u.event;
    // Consent-gated: nothing of a visitor without analytics consent is linked or stored. Bots are no persons.
    if (u.attempt !== 0 || u.replayed_at !== undefined || !e.consent.analytics || e.context.bot) continue;
    const server = e.source === "server";
    const trusted = mayMerge(e, server);
    const conversion = isConversion(cfg, e);
    // Isolate memory only, so the raw visitor id may key it; nothing is hashed for a page view that is skipped.
    const sessionKey = !server && e.session_id && e.anonymous_id ? `${e.anonymous_id}\u0000${e.session_id}` : undefined;
    const newSession = sessionKey !== undefined && !sessions.has(sessionKey);
    if (!trusted && !conversion && !newSession) continue;
    const nodes = await nodesOf(e);
    // A merged conversion's anonymous id came from the browser's (unsigned) copy: it is not linked.
    const browserCopy = e.merged_from?.some((c) => !c.signed) ?? false;
    const link = trusted ? keysOf({ ...nodes, ...(browserCopy ? { anonymous: undefined } : {}) }) : [];
    const anonymous = nodes.anonymous && !link.includes(nodes.anonymous) ? nodes.anonymous : undefined;
    const trustedServer = server && trusted;
    const toLink = link.length > 1 && !link.every((k) => roots.has(k) && roots.get(k) === roots.get(link[0]!));
    if (!conversion && !trustedServer && !newSession && !toLink) continue;
    if (link.length === 0 && !anonymous) continue;
    // What a merged event's browser copy saw is not written into the verified person (a guessed order id
    // must not bring a stranger's touches or click ids); that browser's own events record its visits.
    const observe = (newSession || conversion) && !(trusted && browserCopy);
    work.push({ i, event: e, link, ...(anonymous ? { anonymous } : {}), obs: observe ? observationOf(cfg, e) : null, read: conversion || trustedServer, conversion, trustedServer });
    if (sessionKey && newSession) sessions.remember(sessionKey, true);
  }
  if (work.length === 0) return [...units];

  // 1. Resolve the keys to link to their roots (at most three hops: a root always outranks what points at it).
  // An unverified visitor's anonymous id is not resolved first: observing at its node answers "moved" when
  // it belongs to a person, which costs the same call.
  const resolved = new Map<string, string>();
  let pending = [...new Set(work.flatMap((w) => w.link))];
  for (const k of pending) if (roots.has(k)) resolved.set(k, roots.get(k)!);
  pending = pending.filter((k) => !resolved.has(k));
  const chain = new Map<string, string>(pending.map((k) => [k, k]));
  for (let hop = 0; hop < 4 && chain.size; hop++) {
    const entries = [...chain];
    const results = await runAll(env, shards, entries.map(([, at]) => ({ shard: at, op: { op: "resolve", key: at } })), now);
    chain.clear();
    entries.forEach(([origin, at], j) => {
      const r = results[j]!;
      const root = r.kind === "root" ? r.root : at;
      if (root === at) resolved.set(origin, root);
      else chain.set(origin, root);
    });
  }
  for (const [origin, at] of chain) resolved.set(origin, at);
  const rootOf = (k: string) => resolved.get(k) ?? k;

  // 2. Link: per event, every other root of its verified keys joins the event's target root.
  const joins: { w: Work; target: string; member: string }[] = [];
  for (const w of work) {
    if (w.link.length === 0) continue;
    const userRoot = w.link.find(isUserKey);
    const candidates = [...new Set(w.link.map(rootOf))];
    const target = userRoot ? rootOf(userRoot) : candidates.reduce((a, b) => (rankOf(b) > rankOf(a) || (rankOf(b) === rankOf(a) && b < a) ? b : a));
    w.root = target;
    for (const m of candidates) {
      // Two distinct user ids are never merged: another user's person is left alone.
      if (m !== target && !isUserKey(m)) joins.push({ w, target, member: m });
    }
  }
  if (joins.length) {
    const reserved = await runAll(env, shards, joins.map((j) => ({ shard: j.target, op: { op: "reserve", root: j.target, member: j.member, cap } })), now);
    const ok = joins.filter((_, n) => reserved[n]!.kind === "ok");
    const claimed = await runAll(env, shards, ok.map((j) => ({ shard: j.member, op: { op: "claim", key: j.member, root: j.target } })), now);
    const finish: { shard: string; op: GraphOp }[] = ok.map((j, n) => {
      const c = claimed[n]!;
      if (c.kind !== "ok") return { shard: j.target, op: { op: "unreserve", root: j.target, member: j.member } };
      return { shard: j.target, op: { op: "adopt", root: j.target, member: j.member, state: c.state ?? null, members: c.members ?? [], directWindowDays: windowDays } };
    });
    await runAll(env, shards, finish, now);
    // Roots found stale (merged elsewhere meanwhile) are not cached: the next event resolves them afresh.
    const stale = new Set<string>();
    joins.forEach((j, n) => {
      if (reserved[n]!.kind === "moved") stale.add(j.target);
    });
    ok.forEach((j, n) => {
      const c = claimed[n]!;
      if (c.kind === "ok") {
        for (const [k, r] of resolved) if (r === j.member) resolved.set(k, j.target);
      } else if (c.kind === "refused" && c.reason === "taken") stale.add(j.member);
    });
    for (const [k, r] of resolved) if (stale.has(r)) resolved.delete(k);
  }
  for (const [k, r] of resolved) roots.remember(k, r);

  // 3. Observe, and read back what conversions and server events need.
  for (const w of work) w.root ??= w.anonymous ? (roots.get(w.anonymous) ?? w.anonymous) : rootOf(w.link[0]!);
  const states = new Map<Work, PersonState | null>();
  let todo = work.filter((w) => w.obs !== null || w.read);
  for (let hop = 0; hop < 3 && todo.length; hop++) {
    const results = await runAll(env, shards, todo.map((w) => ({ shard: w.root!, op: { op: "observe", root: w.root!, obs: w.obs, read: w.read, directWindowDays: windowDays } })), now);
    const again: Work[] = [];
    todo.forEach((w, n) => {
      const r = results[n]!;
      if (r.kind === "moved") {
        w.root = r.root;
        again.push(w);
      } else if (r.kind === "ok") {
        states.set(w, r.state ?? null);
        if (w.anonymous) roots.remember(w.anonymous, w.root!);
      }
    });
    todo = again;
  }

  // 4. Enrich: attribution on conversions, browser ids on verified server events. New objects, inputs untouched.
  const out = [...units];
  for (const w of work) {
    const s = states.get(w);
    if (!s) continue;
    let e = w.event;
    const at = Date.parse(e.time);
    if (w.conversion) e = { ...e, attribution: attributionOf(s, at) };
    if (w.trustedServer) {
      const extra = browserIdsFor(s, { at, click_ids: e.click_ids, ads: e.consent.ads }, cfg.identity.browser_windows_days);
      if (Object.keys(extra).length) e = { ...e, click_ids: { ...e.click_ids, ...extra } };
    }
    if (e !== w.event) out[w.i] = { ...units[w.i]!, event: e };
  }
  return out;
}
