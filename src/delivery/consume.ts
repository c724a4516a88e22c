/**
 * The delivery queue's consumer: fans each batch out per destination, sends through `deliver()` (which
 * batches within the destination's limits and classifies answers), then settles every event × destination:
 * ok or skipped → done; retry → re-enqueued for that destination alone with backoff, until its freshness
 * window ends; drop, auth or an exhausted window → dead letter with the vendor's answer.
 */
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { debugLog } from "../debug/record.ts";
import { definitionOf } from "../destinations/registry.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { secretFrom, type Env } from "../env.ts";
import { backoffSeconds } from "./backoff.ts";
import { deadLetters, type DeadLetterInput } from "./DeadLetters.ts";
import { deliver, type DeliveryDeps, type EventResult, type RecordedRequest } from "./deliver.ts";
import { enqueue, type DeliveryMessage, type Enqueue } from "./message.ts";
import { Counter, dayOf, deliveryMetric } from "../stats/count.ts";

const HOUR_MS = 3_600_000;

export interface ConsumeDeps {
  now(): number;
  random(): number;
  fetch(req: Request): Promise<Response>;
}

const realDeps: ConsumeDeps = { now: () => Date.now(), random: Math.random, fetch: (r) => fetch(r) };

/** When retrying `destId` for this message must stop (epoch ms). */
export function deadlineOf(cfg: Config, destId: string, m: DeliveryMessage): number {
  const dest = cfg.destinations[destId];
  const hours = dest?.freshness_hours ?? (dest ? definitionOf(dest.type).freshnessHours : 0);
  const from = m.replayed_at ?? Date.parse(m.event.time);
  return from + hours * HOUR_MS;
}

interface Settled {
  retries: Enqueue[];
  dead: DeadLetterInput[];
}

/** Decides what happens next for one message, given each destination's result for its event. */
export function settle(cfg: Config, m: DeliveryMessage, results: Map<string, Map<string, EventResult>>, deps: ConsumeDeps): Settled {
  const out: Settled = { retries: [], dead: [] };
  const attempts = m.attempt + 1;
  for (const d of m.destinations) {
    const r = results.get(d)?.get(m.event.event_id);
    if (!r || r.kind === "ok" || r.kind === "skipped") continue;
    const body = r.detail ?? "";
    if (r.kind === "drop" || r.kind === "auth") {
      out.dead.push({ destination: d, event: m.event, attempts, reason: r.kind, status: r.status, body });
      continue;
    }
    const delay = backoffSeconds(m.attempt, r.retryAfter, deps.random);
    if (deps.now() + delay * 1000 > deadlineOf(cfg, d, m)) {
      out.dead.push({ destination: d, event: m.event, attempts, reason: "expired", status: r.status, body });
      continue;
    }
    const next: DeliveryMessage = { ...m, destinations: [d], attempt: attempts };
    out.retries.push({ body: next, delaySeconds: delay });
  }
  return out;
}

async function deliverAll(cfg: Config, env: Env, messages: readonly DeliveryMessage[], deps: ConsumeDeps) {
  const byDest = new Map<string, Map<string, CanonicalEvent>>();
  for (const m of messages) {
    for (const d of m.destinations) {
      const events = byDest.get(d) ?? new Map<string, CanonicalEvent>();
      // A redelivered copy of the same event in one batch is sent once.
      events.set(m.event.event_id, m.event);
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

export async function consume(batch: MessageBatch<DeliveryMessage>, env: Env, exec: ExecutionContext, deps: ConsumeDeps = realDeps): Promise<void> {
  const loaded = loadConfig(env.TAGWIRE_CONFIG);
  if (!loaded.ok) {
    // Nothing can be delivered under a broken config; keep the messages until a fixed deploy.
    console.error("tagwire: queue consumer paused, config invalid");
    batch.retryAll({ delaySeconds: 300 });
    return;
  }
  const cfg = loaded.config;
  const messages = batch.messages.map((m) => m.body);
  const { results, recorded } = await deliverAll(cfg, env, messages, deps);
  if (cfg.debug && recorded.length) exec.waitUntil(debugLog(env).add("request", recorded));

  const retries: Enqueue[] = [];
  const dead: DeadLetterInput[] = [];
  const counter = new Counter(dayOf(deps.now()));
  for (const m of messages) {
    const s = settle(cfg, m, results, deps);
    retries.push(...s.retries);
    dead.push(...s.dead);
    const deadHere = new Set(s.dead.map((d) => d.destination));
    for (const d of m.destinations) {
      const r = results.get(d)?.get(m.event.event_id);
      if (r) counter.add(m.event.name, d, deadHere.has(d) ? "dead_lettered" : deliveryMetric(r));
    }
  }
  exec.waitUntil(counter.flush(env.STATS));
  try {
    await Promise.all([dead.length ? deadLetters(env).add(dead, deps.now()) : undefined, enqueue(env, retries)]);
    batch.ackAll();
  } catch (e) {
    // Follow-ups were not recorded: let the queue redeliver the batch (at-least-once; some destinations may
    // see an event twice, which their event_id dedupe absorbs).
    console.error("tagwire: could not record delivery follow-ups", e instanceof Error ? e.message : String(e));
    batch.retryAll();
  }
}

/** The dead-letter queue's consumer: messages the delivery consumer failed on repeatedly become dead letters. */
export async function consumeDeadLetterQueue(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const dead: DeadLetterInput[] = batch.messages.flatMap((msg) =>
    msg.body.destinations.map((destination) => ({
      destination,
      event: msg.body.event,
      attempts: msg.body.attempt + msg.attempts,
      reason: "consumer",
      status: 0,
      body: "the delivery consumer failed on this message repeatedly",
    })),
  );
  if (dead.length) await deadLetters(env).add(dead, Date.now());
  const counter = new Counter(dayOf(Date.now()));
  for (const d of dead) counter.add(d.event.name, d.destination, "dead_lettered");
  await counter.flush(env.STATS);
  batch.ackAll();
}
