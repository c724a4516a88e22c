/**
 * The delivery queue's consumer. For each batch: admit ingest messages through dedupe (src/dedupe/admit.ts),
 * take the copies whose merge window ended, then fan every event out per destination through `deliver()`
 * (which batches within the destination's limits and classifies answers), and settle every event ×
 * destination: ok or skipped → done; retry → re-enqueued for that destination with backoff, packed with the
 * other events of the same attempt, until its freshness window ends; drop, auth or an exhausted window →
 * dead letter with the vendor's answer. The batch is acked only once every follow-up (retries, releases,
 * dead letters, parked events) is durable; any failure before that redelivers it, and its dedupe claims let
 * it pass again.
 *
 * Outages (src/delivery/Backlog.ts): a destination that fails a whole round again after a first failure is
 * marked down and its failed events are parked in its Backlog object instead of queued with growing backoff;
 * while this isolate believes it down, its events are parked without being tried, except the probes the
 * object sends; a success while down releases the backlog at once.
 */
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { logRound } from "../debug/log.ts";
import { recordBatch, recordDeadLetters } from "../ledger/record.ts";
import { acceptedOf, archiveBatch } from "../archive/store.ts";
import { admit, shardStub, type Admitted } from "../dedupe/admit.ts";
import type { Released } from "../dedupe/Deduper.ts";
import { definitionOf } from "../destinations/registry.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { identify } from "../identity/graph/identify.ts";
import { secretFrom, type Env } from "../env.ts";
import { current, deliverMessage, pack, sendAll, type IngestMessage, type Outgoing, type QueueMessage, type ReleaseMessage, type StepProgress } from "../queue/messages.ts";
import { Counter, countAccepted, dayOf, deliveryCounts, deliveryMetric, NO_DESTINATION, statsName } from "../stats/count.ts";
import { backoffSeconds } from "./backoff.ts";
import { backlogOf, type ParkEntry, type ParkReport } from "./Backlog.ts";
import { isOutage } from "../outcome/classify.ts";
import { deadLetters, DeadLettersFull, type DeadLetterInput } from "./DeadLetters.ts";
import { deliver, type DeliveryDeps, type EventResult, type RecordedRequest } from "./deliver.ts";
import { health } from "./health.ts";
import { objectIn } from "../objects/locate.ts";

const HOUR_MS = 3_600_000;
export interface ConsumeDeps {
  now(): number;
  random(): number;
  fetch(req: Request): Promise<Response>;
}

const realDeps: ConsumeDeps = { now: () => Date.now(), random: Math.random, fetch: (r) => fetch(r) };

/** Events due to some destinations at one attempt: what one delivery round works on. */
export interface Unit {
  event: CanonicalEvent;
  destinations: string[];
  attempt: number;
  replayed_at?: number;
  /** Steps earlier attempts completed (retries and replays of one destination). */
  progress?: StepProgress;
  /** Sent by a Backlog object to test its destination: delivered even while it is believed down. */
  probe?: boolean;
}

export function enabledDestinations(cfg: Config): string[] {
  return Object.entries(cfg.destinations)
    .filter(([, d]) => d.enabled)
    .map(([id]) => id);
}

/** When retrying `destId` for this unit must stop (epoch ms). */
export function deadlineOf(cfg: Config, destId: string, u: Pick<Unit, "event" | "replayed_at">): number {
  const dest = cfg.destinations[destId];
  const hours = dest?.freshness_hours ?? (dest ? definitionOf(dest.type).freshnessHours : 0);
  const from = u.replayed_at ?? Date.parse(u.event.time);
  return from + hours * HOUR_MS;
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

const pairKey = (dest: string, eventId: string) => `${dest}\u0000${eventId}`;

interface Settled {
  retries: Outgoing[];
  dead: DeadLetterInput[];
  /** Per destination being parked: its events to retry, for its Backlog object. */
  parked: Map<string, ParkEntry[]>;
  /** The same events as queued retries, for when the object does not park them. */
  fallback: Map<string, Outgoing[]>;
}

/**
 * Decides what follows each unit, given each destination's result for its event. Retries of one destination
 * and attempt travel together in as few messages as fit, each with one backoff delay; retries of a destination
 * in `parking` are parked instead (with the queued retries kept as a fallback).
 */
export function settle(
  cfg: Config,
  units: readonly Unit[],
  results: Map<string, Map<string, EventResult>>,
  deps: Pick<ConsumeDeps, "now" | "random">,
  parking: ReadonlySet<string> = new Set(),
): Settled {
  const dead: DeadLetterInput[] = [];
  const parked = new Map<string, ParkEntry[]>();
  const groups = new Map<
    string,
    { dest: string; attempt: number; replayed_at: number | undefined; delay: number; events: { event: CanonicalEvent; progress?: StepProgress }[] }
  >();
  for (const u of units) {
    const attempts = u.attempt + 1;
    for (const d of u.destinations) {
      const r = results.get(d)?.get(u.event.event_id);
      if (!r || r.kind === "ok" || r.kind === "skipped") continue;
      const body = r.detail ?? "";
      const progress = r.progress;
      if (r.kind === "drop" || r.kind === "auth") {
        dead.push({ destination: d, event: u.event, attempts, reason: r.kind, status: r.status, body, ...(progress ? { progress } : {}) });
        continue;
      }
      const key = `${d}\u0000${attempts}\u0000${u.replayed_at ?? ""}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { dest: d, attempt: attempts, replayed_at: u.replayed_at, delay: backoffSeconds(u.attempt, undefined, deps.random), events: [] }));
      g.delay = Math.max(g.delay, r.retryAfter ?? 0);
      if (deps.now() + g.delay * 1000 > deadlineOf(cfg, d, u)) {
        dead.push({ destination: d, event: u.event, attempts, reason: "expired", status: r.status, body, ...(progress ? { progress } : {}) });
        continue;
      }
      g.events.push(progress ? { event: u.event, progress } : { event: u.event });
      if (parking.has(d)) {
        const p: ParkEntry = { event: u.event, attempt: attempts };
        if (u.replayed_at !== undefined) p.replayed_at = u.replayed_at;
        if (progress) p.progress = progress;
        push(parked, d, p);
      }
    }
  }
  const retries: Outgoing[] = [];
  const fallback = new Map<string, Outgoing[]>();
  for (const g of groups.values()) {
    if (g.events.length === 0) continue;
    // Events one request carried (one webhook Idempotency-Key) stay together, so the retry resends that group.
    const sorted = [...g.events].sort((a, b) => ((a.progress?.group ?? "") < (b.progress?.group ?? "") ? -1 : 1));
    const progressOf = new Map(sorted.map((x) => [x.event.event_id, x.progress]));
    const make = (events: CanonicalEvent[]) => deliverMessage(events, g.dest, g.attempt, g.replayed_at, progressOf);
    for (const body of pack(sorted.map((x) => x.event), make)) {
      if (parking.has(g.dest)) push(fallback, g.dest, { body, delaySeconds: g.delay });
      else retries.push({ body, delaySeconds: g.delay });
    }
  }
  return { retries, dead, parked, fallback };
}

/** Delivers every unit to its destinations, except the pairs in `held` (parked or already decided). */
async function deliverAll(cfg: Config, env: Env, units: readonly Unit[], deps: ConsumeDeps, held: ReadonlySet<string>) {
  const byDest = new Map<string, Map<string, CanonicalEvent>>();
  const progress = new Map<string, Record<string, StepProgress>>();
  for (const u of units) {
    for (const d of u.destinations) {
      if (held.has(pairKey(d, u.event.event_id))) continue;
      const events = byDest.get(d) ?? new Map<string, CanonicalEvent>();
      // A redelivered copy of the same event in one batch is sent once.
      events.set(u.event.event_id, u.event);
      byDest.set(d, events);
      if (u.progress) {
        const p = progress.get(d) ?? Object.create(null);
        p[u.event.event_id] = u.progress;
        progress.set(d, p);
      }
    }
  }
  const recorded: RecordedRequest[] = [];
  const deliveryDeps: DeliveryDeps = {
    cfg,
    secret: secretFrom(env),
    fetch: deps.fetch,
    now: deps.now,
    record: (r: RecordedRequest) => void recorded.push(r),
  };
  // Rate limits hold across isolates when the RateLimiter object is bound; otherwise per isolate.
  if (env.RATE_LIMITER) deliveryDeps.pace = (key, limit) => objectIn(env, "RATE_LIMITER", key).reserve(key, limit);
  const results = new Map<string, Map<string, EventResult>>();
  await Promise.all(
    [...byDest].map(async ([d, events]) => {
      const rs = await deliver(d, [...events.values()], deliveryDeps, progress.get(d));
      results.set(d, new Map(rs.map((r) => [r.event_id, r])));
    }),
  );
  return { results, recorded };
}

/**
 * Parks, without trying them, the events due to destinations this isolate believes down (probes excepted),
 * one call per destination. Returns the pairs parked; a destination whose object answers "not parked" is up
 * again and its events are delivered in this round.
 */
async function parkUntried(env: Env, units: readonly Unit[], held: ReadonlySet<string>, now: number): Promise<Set<string>> {
  const byDest = new Map<string, ParkEntry[]>();
  for (const u of units) {
    if (u.probe) continue;
    for (const d of u.destinations) {
      if (!health.isDown(d) || held.has(pairKey(d, u.event.event_id))) continue;
      const p: ParkEntry = { event: u.event, attempt: u.attempt };
      if (u.replayed_at !== undefined) p.replayed_at = u.replayed_at;
      if (u.progress) p.progress = u.progress;
      push(byDest, d, p);
    }
  }
  const out = new Set<string>();
  await Promise.all(
    [...byDest].map(async ([d, entries]) => {
      try {
        if (!(await backlogOf(env, d).park(entries, { destination: d, now })).parked) return health.markUp(d);
        for (const e of entries) out.add(pairKey(d, e.event.event_id));
      } catch (e) {
        // The object is unreachable: try the destination; failures take the ordinary retry path.
        console.error(`tagwire: could not park ${d}'s events, delivering them`, e instanceof Error ? e.message : String(e));
      }
    }),
  );
  return out;
}

/**
 * Reads each destination's round. Down (parking): it answered only outage-class failures (src/outcome/classify.ts
 * isOutage) and the round carried a probe, an event that had failed before, or this isolate already believed it
 * down. One failed round alone (a blip) takes the ordinary backoff, so a single 503 costs no object call.
 * Recovering: it answered (ok, drop or auth: it is reachable) and was believed down or was probed.
 */
function judgeHealth(units: readonly Unit[], results: Map<string, Map<string, EventResult>>) {
  const parking = new Set<string>();
  const recovering = new Set<string>();
  const retryAfter = new Map<string, number>();
  for (const [d, rs] of results) {
    let answered = false;
    let outage = false;
    for (const r of rs.values()) {
      if (r.kind === "ok" || r.kind === "drop" || r.kind === "auth") answered = true;
      else if (r.kind === "retry" && isOutage(r)) {
        outage = true;
        if (r.retryAfter !== undefined) retryAfter.set(d, Math.max(retryAfter.get(d) ?? 0, r.retryAfter));
      }
    }
    const mine = units.filter((u) => u.destinations.includes(d) && rs.has(u.event.event_id));
    const probed = mine.some((u) => u.probe);
    if (answered && (probed || health.isDown(d))) recovering.add(d);
    else if (!answered && outage && (probed || health.isDown(d) || mine.some((u) => u.attempt > 0))) parking.add(d);
  }
  return { parking, recovering, retryAfter };
}

/**
 * Ends the merge windows of these release messages (with their queue message ids): one call per shard for
 * the batch; returns the held copies to deliver now.
 */
async function takeReleased(env: Env, releases: readonly { body: ReleaseMessage; id: string }[]): Promise<CanonicalEvent[]> {
  const byShard = new Map<number, { token: string; by: string }[]>();
  for (const r of releases) {
    const list = byShard.get(r.body.shard) ?? [];
    list.push({ token: r.body.token, by: r.id });
    byShard.set(r.body.shard, list);
  }
  // The RPC stub's type loses the event's shape (properties: unknown); the object returns plain JSON data.
  const taken = (await Promise.all([...byShard].map(([s, list]) => shardStub(env, s).takeMany(list)))) as unknown as (Released | null)[][];
  return taken.flat().flatMap((t) => (t ? [t.event] : []));
}

const releaseFor = (a: Admitted, now: number): Outgoing | undefined => {
  if (a.decision.kind !== "held") return undefined;
  const body: ReleaseMessage = { v: 2, kind: "release", shard: a.decision.shard, token: a.decision.token };
  return { body, delaySeconds: Math.max(1, Math.ceil((a.decision.release_at - now) / 1000)) };
};

export async function consume(batch: MessageBatch<QueueMessage>, env: Env, exec: ExecutionContext, deps: ConsumeDeps = realDeps): Promise<void> {
  const loaded = loadConfig(env.TAGWIRE_CONFIG);
  if (!loaded.ok) {
    // Nothing can be delivered under a broken config; keep the messages until a fixed deploy.
    console.error("tagwire: queue consumer paused, config invalid");
    batch.retryAll({ delaySeconds: 300 });
    return;
  }
  const cfg = loaded.config;
  const now = deps.now();
  const messages = batch.messages.map((m) => current(m.body));
  const ingest = messages.filter((m): m is IngestMessage => m.kind === "ingest");
  const releases = batch.messages.flatMap((m, i) => {
    const body = messages[i]!;
    return body.kind === "release" ? [{ body, id: m.id }] : [];
  });
  const all = enabledDestinations(cfg);

  let admitted: Admitted[];
  let released: CanonicalEvent[];
  try {
    [admitted, released] = await Promise.all([admit(cfg, env, ingest, now), takeReleased(env, releases)]);
  } catch (e) {
    // Dedupe unreachable: nothing was decided for good; the whole batch comes back (claims are idempotent).
    console.error("tagwire: dedupe failed, batch retried", e instanceof Error ? e.message : String(e));
    batch.retryAll({ delaySeconds: 5 });
    return;
  }

  const units: Unit[] = [];
  const follow: Outgoing[] = [];
  const counter = deliveryCounts.counter(now);
  countAccepted(counter, admitted.map((a) => a.event));
  for (const a of admitted) {
    const k = a.decision.kind;
    if (k === "admitted") units.push({ event: a.event, destinations: all, attempt: 0 });
    else if (k === "held") follow.push(releaseFor(a, now)!);
    else if (k !== "done") counter.add(statsName(a.event, counter.day), NO_DESTINATION, k === "duplicate" ? "deduped" : k);
  }
  for (const event of released) units.push({ event, destinations: all, attempt: 0 });
  const fresh = units.map((u) => u.event);
  // Decided without sending: queued events whose freshness window ended while they waited (a retry that came
  // late, a backlog released after its window) go to settle as a failed attempt, which dead-letters them.
  const decided = new Map<string, Map<string, EventResult>>();
  for (const m of messages) {
    if (m.kind !== "deliver") continue;
    for (const event of m.events) {
      const u: Unit = { event, destinations: m.destinations, attempt: m.attempt };
      if (m.replayed_at !== undefined) u.replayed_at = m.replayed_at;
      const p = m.progress?.[event.event_id];
      if (p) u.progress = p;
      if (m.probe) u.probe = true;
      units.push(u);
      for (const d of u.destinations) {
        if (cfg.destinations[d] && now > deadlineOf(cfg, d, u)) {
          const rs = decided.get(d) ?? new Map<string, EventResult>();
          rs.set(event.event_id, { event_id: event.event_id, kind: "retry", status: 0, detail: "its freshness window ended before it could be delivered" });
          decided.set(d, rs);
        }
      }
    }
  }
  const held = new Set<string>();
  for (const [d, rs] of decided) for (const id of rs.keys()) held.add(pairKey(d, id));

  // Identity graph: links, touches, attribution and browser ids for the fresh events (src/identity/graph).
  units.splice(0, units.length, ...(await identify(cfg, env, units, now)));

  // Destinations this isolate believes down: park their events untried (probes excepted), one call each.
  const parkedUntried = await parkUntried(env, units, held, now);
  for (const k of parkedUntried) held.add(k);

  const { results, recorded } = await deliverAll(cfg, env, units, deps, held);
  // The inspector's full timeline: development, dry_run, or an operator's capture (src/debug/log.ts).
  await logRound(cfg, env, exec, deps.now(), {
    fresh,
    tried: units.map((u) => u.event),
    recorded,
    received: ingest.flatMap((m) => (m.received ? [m.received] : [])),
  });

  const { parking, recovering, retryAfter } = judgeHealth(units, results);
  for (const [d, rs] of decided) {
    const merged = results.get(d) ?? new Map<string, EventResult>();
    for (const [id, r] of rs) merged.set(id, r);
    results.set(d, merged);
  }
  const { retries, dead, parked, fallback } = settle(cfg, units, results, deps, parking);
  follow.push(...retries);
  const parkedAfter = new Set<string>();
  await Promise.all([
    ...[...parked].map(async ([d, entries]) => {
      const report: ParkReport = { destination: d, now: deps.now(), failedSince: now };
      const ra = retryAfter.get(d);
      if (ra !== undefined) report.retryAfter = ra;
      try {
        if ((await backlogOf(env, d).park(entries, report)).parked) {
          health.markDown(d);
          for (const e of entries) parkedAfter.add(pairKey(d, e.event.event_id));
          return;
        }
        // It came back up after this round started: an ordinary retry.
        health.markUp(d);
      } catch (e) {
        console.error(`tagwire: could not park ${d}'s events, retrying them instead`, e instanceof Error ? e.message : String(e));
      }
      follow.push(...(fallback.get(d) ?? []));
    }),
    ...[...recovering].map(async (d) => {
      health.markUp(d);
      try {
        await backlogOf(env, d).recovered(deps.now());
      } catch (e) {
        // Its next probe reports the recovery again.
        console.error(`tagwire: could not report ${d} as recovered`, e instanceof Error ? e.message : String(e));
      }
    }),
  ]);

  const deadHere = new Set(dead.map((d) => pairKey(d.destination, d.event.event_id)));
  for (const u of units) {
    for (const d of u.destinations) {
      const k = pairKey(d, u.event.event_id);
      const r = results.get(d)?.get(u.event.event_id);
      const name = statsName(u.event, counter.day);
      if (parkedUntried.has(k) || parkedAfter.has(k)) counter.add(name, d, "parked");
      else if (r) counter.add(name, d, deadHere.has(k) ? "dead_lettered" : deliveryMetric(r));
    }
  }
  deliveryCounts.flushIfDue(env, exec, now);
  try {
    await Promise.all([
      dead.length ? deadLetters(env).add(dead, now) : undefined,
      sendAll(env.DELIVERY_QUEUE, follow),
      recordBatch(env, cfg, { admitted, released, units, results, retries, dead }, now),
      // The events accepted in this batch, for backfills (src/archive). Never throws: a failed archive write
      // is logged, not a reason to redeliver the batch to every destination (docs/archive.md).
      archiveBatch(cfg, env, acceptedOf(fresh, units), batch.messages.map((m) => m.id), now),
    ]);
    batch.ackAll();
  } catch (e) {
    // Follow-ups were not recorded: let the queue redeliver the batch (at-least-once; some destinations may
    // see an event twice, which their event_id dedupe absorbs). A full dead-letter store is back-pressure.
    console.error("tagwire: could not record delivery follow-ups", e instanceof Error ? e.message : String(e));
    batch.retryAll(e instanceof DeadLettersFull ? { delaySeconds: 600 } : undefined);
  }
}

/** What a person reads for a dead letter the consumer itself made (its row in the ledger, its body in the store). */
const CONSUMER_FAILED = "the delivery consumer itself failed on this message on every try, so it went to the dead-letter queue; replay it once the cause is fixed";
const CONSUMER_FAILED_HELD = "the delivery consumer itself failed on this held copy's release on every try, so it went to the dead-letter queue; replay it once the cause is fixed";

/**
 * takeReleased for the dead-letter queue, keeping which message took each copy: as a last resort, so a hold
 * the delivery consumer took under another message id is still handed over (Deduper.take); a rerun takes it
 * again and its dead letters, keyed by this message id, are not stored twice.
 */
async function takeHeldCopies(env: Env, releases: readonly { body: ReleaseMessage; id: string }[]): Promise<{ event: CanonicalEvent; by: string }[]> {
  const byShard = new Map<number, { token: string; by: string }[]>();
  for (const r of releases) push(byShard, r.body.shard, { token: r.body.token, by: r.id });
  const taken = await Promise.all(
    [...byShard].map(async ([s, list]) => {
      // The RPC stub's type loses the event's shape (properties: unknown); the object returns plain JSON data.
      const got = (await shardStub(env, s).takeMany(list, true)) as unknown as (Released | null)[];
      return got.flatMap((t, i) => (t ? [{ event: t.event, by: list[i]!.by }] : []));
    }),
  );
  return taken.flat();
}

/**
 * The dead-letter queue's consumer: messages the delivery consumer failed on repeatedly become dead letters,
 * one per event × destination (ingest messages: every enabled destination; release messages: the held copy),
 * and the same pairs become `dead_lettered` in the ledger (ingest events, never deduped, also get their copy
 * row), so counts add up. Dead letters are keyed by this queue's message id and ledger rows only move
 * forward: a batch redelivered after any failure stores and counts nothing twice.
 */
export async function consumeDeadLetterQueue(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
  const loaded = loadConfig(env.TAGWIRE_CONFIG);
  if (!loaded.ok) {
    // No destinations to dead-letter for: acking would lose the events. Keep them until a fixed deploy.
    console.error("tagwire: dead-letter queue consumer paused, config invalid");
    batch.retryAll({ delaySeconds: 300 });
    return;
  }
  const all = enabledDestinations(loaded.config);
  const dead: DeadLetterInput[] = [];
  const undeduped: CanonicalEvent[] = [];
  const releases: { body: ReleaseMessage; id: string }[] = [];
  for (const msg of batch.messages) {
    const m = current(msg.body);
    const entry = (event: CanonicalEvent, destination: string, attempt: number): DeadLetterInput => ({
      destination,
      event,
      attempts: attempt + msg.attempts,
      reason: "consumer",
      status: 0,
      body: CONSUMER_FAILED,
      origin: msg.id,
    });
    if (m.kind === "release") releases.push({ body: m, id: msg.id });
    else if (m.kind === "ingest") {
      undeduped.push(...m.events);
      for (const e of m.events) for (const d of all) dead.push(entry(e, d, 0));
    } else
      for (const e of m.events)
        for (const d of m.destinations) {
          const p = m.progress?.[e.event_id];
          dead.push(p ? { ...entry(e, d, m.attempt), progress: p } : entry(e, d, m.attempt));
        }
  }
  const taken = await takeHeldCopies(env, releases);
  const released = taken.map((t) => t.event);
  for (const { event, by } of taken) {
    for (const d of all) dead.push({ destination: d, event, attempts: 1, reason: "consumer", status: 0, body: CONSUMER_FAILED_HELD, origin: by });
  }
  const now = Date.now();
  try {
    if (dead.length) await deadLetters(env).add(dead, now);
    // After the dead letters are stored, so the ledger never says dead_lettered for one that is not.
    if (loaded.ok) await recordDeadLetters(env, loaded.config, { dead, released, undeduped }, now);
  } catch (e) {
    // A full store (nowhere to keep them yet) or an unreachable ledger: they stay in this queue, which never
    // drops them (max_retries), and the rerun adds nothing twice (see above).
    console.error("tagwire: dead letters not recorded, kept in the queue", e instanceof Error ? e.message : String(e));
    batch.retryAll({ delaySeconds: e instanceof DeadLettersFull ? 600 : 60 });
    return;
  }
  const counter = new Counter(dayOf(now));
  for (const d of dead) counter.add(statsName(d.event, counter.day), d.destination, "dead_lettered");
  await counter.flush(env);
  batch.ackAll();
}
