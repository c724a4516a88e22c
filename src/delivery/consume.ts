/**
 * The delivery queue's consumer. For each batch: admit ingest messages through dedupe (src/dedupe/admit.ts),
 * take the copies whose merge window ended, then fan every event out per destination through `deliver()`
 * (which batches within the destination's limits and classifies answers), and settle every event ×
 * destination: ok or skipped → done; retry → re-enqueued for that destination with backoff, packed with the
 * other events of the same attempt, until its freshness window ends; drop, auth or an exhausted window →
 * dead letter with the vendor's answer. The batch is acked only once every follow-up (retries, releases,
 * dead letters) is durable; any failure before that redelivers it, and its dedupe claims let it pass again.
 */
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { debugLog } from "../debug/record.ts";
import { recordBatch } from "../ledger/record.ts";
import { admit, shardStub, type Admitted } from "../dedupe/admit.ts";
import type { Released } from "../dedupe/Deduper.ts";
import { definitionOf } from "../destinations/registry.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { secretFrom, type Env } from "../env.ts";
import { current, pack, sendAll, type DeliverMessage, type IngestMessage, type Outgoing, type QueueMessage, type ReleaseMessage } from "../queue/messages.ts";
import { Counter, countAccepted, dayOf, deliveryCounts, deliveryMetric, NO_DESTINATION } from "../stats/count.ts";
import { backoffSeconds } from "./backoff.ts";
import { deadLetters, type DeadLetterInput } from "./DeadLetters.ts";
import { deliver, type DeliveryDeps, type EventResult, type RecordedRequest } from "./deliver.ts";

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

interface Settled {
  retries: Outgoing[];
  dead: DeadLetterInput[];
}

/**
 * Decides what follows each unit, given each destination's result for its event. Retries of one destination
 * and attempt travel together in as few messages as fit, each with one backoff delay.
 */
export function settle(cfg: Config, units: readonly Unit[], results: Map<string, Map<string, EventResult>>, deps: Pick<ConsumeDeps, "now" | "random">): Settled {
  const dead: DeadLetterInput[] = [];
  const groups = new Map<string, { dest: string; attempt: number; replayed_at: number | undefined; delay: number; events: CanonicalEvent[] }>();
  for (const u of units) {
    const attempts = u.attempt + 1;
    for (const d of u.destinations) {
      const r = results.get(d)?.get(u.event.event_id);
      if (!r || r.kind === "ok" || r.kind === "skipped") continue;
      const body = r.detail ?? "";
      if (r.kind === "drop" || r.kind === "auth") {
        dead.push({ destination: d, event: u.event, attempts, reason: r.kind, status: r.status, body });
        continue;
      }
      const key = `${d}\u0000${attempts}\u0000${u.replayed_at ?? ""}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { dest: d, attempt: attempts, replayed_at: u.replayed_at, delay: backoffSeconds(u.attempt, undefined, deps.random), events: [] }));
      g.delay = Math.max(g.delay, r.retryAfter ?? 0);
      if (deps.now() + g.delay * 1000 > deadlineOf(cfg, d, u)) {
        dead.push({ destination: d, event: u.event, attempts, reason: "expired", status: r.status, body });
        continue;
      }
      g.events.push(u.event);
    }
  }
  const retries: Outgoing[] = [];
  for (const g of groups.values()) {
    if (g.events.length === 0) continue;
    const make = (events: CanonicalEvent[]): DeliverMessage => {
      const m: DeliverMessage = { v: 2, kind: "deliver", events, destinations: [g.dest], attempt: g.attempt };
      if (g.replayed_at !== undefined) m.replayed_at = g.replayed_at;
      return m;
    };
    for (const body of pack(g.events, make)) retries.push({ body, delaySeconds: g.delay });
  }
  return { retries, dead };
}

async function deliverAll(cfg: Config, env: Env, units: readonly Unit[], deps: ConsumeDeps) {
  const byDest = new Map<string, Map<string, CanonicalEvent>>();
  for (const u of units) {
    for (const d of u.destinations) {
      const events = byDest.get(d) ?? new Map<string, CanonicalEvent>();
      // A redelivered copy of the same event in one batch is sent once.
      events.set(u.event.event_id, u.event);
      byDest.set(d, events);
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
  if (env.RATE_LIMITER) deliveryDeps.pace = (key, limit) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).reserve(key, limit);
  const results = new Map<string, Map<string, EventResult>>();
  await Promise.all(
    [...byDest].map(async ([d, events]) => {
      const rs = await deliver(d, [...events.values()], deliveryDeps);
      results.set(d, new Map(rs.map((r) => [r.event_id, r])));
    }),
  );
  return { results, recorded };
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
    else if (k !== "done") counter.add(a.event.name, NO_DESTINATION, k === "duplicate" ? "deduped" : k);
  }
  for (const event of released) units.push({ event, destinations: all, attempt: 0 });
  for (const m of messages) {
    if (m.kind !== "deliver") continue;
    for (const event of m.events) {
      const u: Unit = { event, destinations: m.destinations, attempt: m.attempt };
      if (m.replayed_at !== undefined) u.replayed_at = m.replayed_at;
      units.push(u);
    }
  }

  const { results, recorded } = await deliverAll(cfg, env, units, deps);
  if (cfg.debug) {
    const fresh = units.filter((u) => u.attempt === 0 && u.replayed_at === undefined).map((u) => u.event);
    if (fresh.length) exec.waitUntil(debugLog(env).add("event", fresh));
    if (recorded.length) exec.waitUntil(debugLog(env).add("request", recorded));
  }

  const { retries, dead } = settle(cfg, units, results, deps);
  follow.push(...retries);
  const deadHere = new Set(dead.map((d) => `${d.destination}\u0000${d.event.event_id}`));
  for (const u of units) {
    for (const d of u.destinations) {
      const r = results.get(d)?.get(u.event.event_id);
      if (r) counter.add(u.event.name, d, deadHere.has(`${d}\u0000${u.event.event_id}`) ? "dead_lettered" : deliveryMetric(r));
    }
  }
  deliveryCounts.flushIfDue(env.STATS, exec, now);
  try {
    await Promise.all([
      dead.length ? deadLetters(env).add(dead, now) : undefined,
      sendAll(env.DELIVERY_QUEUE, follow),
      recordBatch(env, cfg, { admitted, released, units, results, retries, dead }, now),
    ]);
    batch.ackAll();
  } catch (e) {
    // Follow-ups were not recorded: let the queue redeliver the batch (at-least-once; some destinations may
    // see an event twice, which their event_id dedupe absorbs).
    console.error("tagwire: could not record delivery follow-ups", e instanceof Error ? e.message : String(e));
    batch.retryAll();
  }
}

/**
 * The dead-letter queue's consumer: messages the delivery consumer failed on repeatedly become dead letters,
 * one per event × destination (ingest messages: every enabled destination; release messages: the held copy).
 */
export async function consumeDeadLetterQueue(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
  const loaded = loadConfig(env.TAGWIRE_CONFIG);
  const all = loaded.ok ? enabledDestinations(loaded.config) : [];
  const dead: DeadLetterInput[] = [];
  const releases: { body: ReleaseMessage; id: string }[] = [];
  for (const msg of batch.messages) {
    const m = current(msg.body);
    const entry = (event: CanonicalEvent, destination: string, attempt: number): DeadLetterInput => ({
      destination,
      event,
      attempts: attempt + msg.attempts,
      reason: "consumer",
      status: 0,
      body: "the delivery consumer failed on this message repeatedly",
    });
    if (m.kind === "release") releases.push({ body: m, id: msg.id });
    else if (m.kind === "ingest") for (const e of m.events) for (const d of all) dead.push(entry(e, d, 0));
    else for (const e of m.events) for (const d of m.destinations) dead.push(entry(e, d, m.attempt));
  }
  const taken = await takeReleased(env, releases);
  for (const e of taken) for (const d of all) dead.push({ destination: d, event: e, attempts: 1, reason: "consumer", status: 0, body: "the delivery consumer failed on this held copy repeatedly" });
  if (dead.length) await deadLetters(env).add(dead, Date.now());
  const counter = new Counter(dayOf(Date.now()));
  for (const d of dead) counter.add(d.event.name, d.destination, "dead_lettered");
  await counter.flush(env.STATS);
  batch.ackAll();
}
