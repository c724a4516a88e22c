/**
 * One destination's health and, while it is down, its backlog: a SQLite-backed Durable Object per destination
 * (`backlog-<destination id>`). Delayed queue messages cannot be pulled forward, so instead of queueing retries
 * with ever longer backoff during an outage, the consumer parks the events here; the object probes the
 * destination with one parked event at a time (its alarm, every PROBE_EVERY_MS) and, as soon as one delivery
 * succeeds, marks the destination up and releases the whole backlog to the delivery queue at once.
 *
 * The consumer reports only changes (src/delivery/health.ts): a failed round, events it parks while it
 * believes the destination down, a success while down. While a destination is up nobody calls this object.
 *
 * Rows: one per parked event (keyed by event_id, so a redelivered park writes nothing new), deleted only once
 * the queue accepted the message carrying the event; one state row.
 */
import { DurableObject } from "cloudflare:workers";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Env } from "../env.ts";
import { deliverMessage, pack, sendAll, type DeliverMessage, type QueueMessage, type StepProgress } from "../queue/messages.ts";
import { objectIn, type ObjectEnv } from "../objects/locate.ts";

/** One probe at a time: the next goes this long after the previous one was sent. */
export const PROBE_EVERY_MS = 10_000;
/** Rows released per step (one read, one round of sendBatch calls, one delete). */
export const RELEASE_ROWS = 500;
/** Steps one alarm runs before handing over to the next alarm. */
const STEPS_PER_ALARM = 40;
/** A failed send to the queue is tried again this much later. */
const SEND_RETRY_MS = 5_000;

export interface ParkEntry {
  event: CanonicalEvent;
  /** Delivery attempts already made for this destination. */
  attempt: number;
  replayed_at?: number;
  /** Steps earlier attempts completed here (carried into the released message). */
  progress?: StepProgress;
}

export interface ParkReport {
  destination: string;
  now: number;
  /**
   * Set when these events just failed: the start of the failing round. Marks an up destination down, unless it
   * came back up after that round started (the failure is older than the recovery). Unset: the consumer parks
   * events it did not try because it believed the destination down.
   */
  failedSince?: number;
  /** The destination's Retry-After (seconds): the first probe waits at least this long. */
  retryAfter?: number;
}

/** parked: the events are held here. Otherwise the destination is up: deliver or retry them as usual. */
export interface ParkAnswer {
  parked: boolean;
}

export interface BacklogState {
  destination: string;
  down: boolean;
  /** When the state last changed (epoch ms). */
  since: number;
  parked: number;
}

type StateRow = { destination: string; down: number; since: number };
type ParkedRow = { seq: number; event: string; attempt: number; replayed_at: number | null; progress: string | null };

export class Backlog extends DurableObject<Env> {
  /** Where probes and releases go: the delivery queue (tests point it at their own queue). */
  queue: Queue<QueueMessage>;
  /** A release or probe is sending: a second one must not read the same rows. */
  private sending = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.queue = env.DELIVERY_QUEUE;
    const sql = ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY, destination TEXT NOT NULL, down INTEGER NOT NULL, since INTEGER NOT NULL)");
    sql.exec(
      `CREATE TABLE IF NOT EXISTS parked (
         seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, event TEXT NOT NULL, attempt INTEGER NOT NULL,
         replayed_at INTEGER, progress TEXT)`,
    );
  }

  /** Parks events of a destination that is (or just went) down; see ParkReport. One transaction. */
  async park(entries: ParkEntry[], report: ParkReport): Promise<ParkAnswer> {
    const s = this.row();
    let down = s?.down === 1;
    if (!down && report.failedSince !== undefined && report.failedSince >= (s?.since ?? 0)) {
      this.setState(report.destination, true, report.now);
      // The first probe waits for the vendor's Retry-After when it gave one.
      await this.ctx.storage.setAlarm(Date.now() + Math.max(PROBE_EVERY_MS, (report.retryAfter ?? 0) * 1000));
      down = true;
    }
    if (!down) return { parked: false };
    this.ctx.storage.transactionSync(() => {
      for (const e of entries) {
        this.ctx.storage.sql.exec(
          "INSERT OR IGNORE INTO parked (event_id, event, attempt, replayed_at, progress) VALUES (?, ?, ?, ?, ?)",
          e.event.event_id,
          JSON.stringify(e.event),
          e.attempt,
          e.replayed_at ?? null,
          e.progress ? JSON.stringify(e.progress) : null,
        );
      }
    });
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PROBE_EVERY_MS);
    return { parked: true };
  }

  /**
   * A delivery to the destination succeeded: it is up. Releases the backlog at once (the first step here, the
   * rest from the alarm right after).
   */
  async recovered(now: number): Promise<void> {
    const s = this.row();
    if (s?.down === 1) this.setState(s.destination, false, now);
    let more = true;
    try {
      more = await this.releaseStep();
    } catch (e) {
      console.error("tagwire: backlog could not reach the delivery queue", e instanceof Error ? e.message : String(e));
    }
    if (more) await this.ctx.storage.setAlarm(Date.now());
  }

  /** For the admin view and tests. */
  state(): BacklogState {
    const s = this.row();
    const parked = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM parked").one().n;
    return { destination: s?.destination ?? "", down: s?.down === 1, since: s?.since ?? 0, parked };
  }

  /** Down: send one probe and come back in PROBE_EVERY_MS. Up: release what is left. */
  override async alarm(): Promise<void> {
    if (this.sending) {
      // A release started by recovered() is still sending; continue after it.
      await this.ctx.storage.setAlarm(Date.now() + 1_000);
      return;
    }
    try {
      if (this.row()?.down === 1) {
        await this.probe();
        // Nothing parked: nothing to probe with; the next park schedules the alarm again.
        if (this.count() > 0) await this.ctx.storage.setAlarm(Date.now() + PROBE_EVERY_MS);
        return;
      }
      for (let i = 0; i < STEPS_PER_ALARM; i++) if (!(await this.releaseStep())) return;
      await this.ctx.storage.setAlarm(Date.now());
    } catch (e) {
      console.error("tagwire: backlog could not reach the delivery queue", e instanceof Error ? e.message : String(e));
      await this.ctx.storage.setAlarm(Date.now() + SEND_RETRY_MS);
    }
  }

  /** Sends the oldest parked event as a probe: delivered even while the consumer believes the destination down. */
  private async probe(): Promise<void> {
    const rows = this.ctx.storage.sql.exec<ParkedRow>("SELECT seq, event, attempt, replayed_at, progress FROM parked ORDER BY seq LIMIT 1").toArray();
    if (rows.length === 0 || this.sending) return;
    const r = rows[0]!;
    const body: DeliverMessage = { ...this.message([JSON.parse(r.event) as CanonicalEvent], r.attempt, r.replayed_at, progressOf([r])), probe: true };
    this.sending = true;
    try {
      await sendAll(this.queue, [{ body }]);
      this.ctx.storage.sql.exec("DELETE FROM parked WHERE seq = ?", r.seq);
    } finally {
      this.sending = false;
    }
  }

  /**
   * Sends up to RELEASE_ROWS parked events to the queue (packed, no delay) and deletes them once the queue took
   * them. Returns whether rows are left. Throws when the queue refuses (the rows stay).
   */
  private async releaseStep(): Promise<boolean> {
    // Another step is sending (its rows are not deleted yet): the alarm continues after it.
    if (this.sending) return true;
    const rows = this.ctx.storage.sql
      .exec<ParkedRow>("SELECT seq, event, attempt, replayed_at, progress FROM parked ORDER BY seq LIMIT ?", RELEASE_ROWS)
      .toArray();
    if (rows.length === 0) return false;
    // Events travel with their attempt count and replay time, so one message per (attempt, replayed_at).
    const groups = new Map<string, { attempt: number; replayed_at: number | null; events: CanonicalEvent[] }>();
    const progress = progressOf(rows);
    for (const r of rows) {
      const key = `${r.attempt}\u0000${r.replayed_at ?? ""}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { attempt: r.attempt, replayed_at: r.replayed_at, events: [] }));
      g.events.push(JSON.parse(r.event) as CanonicalEvent);
    }
    const out = [...groups.values()].flatMap((g) => pack(g.events, (slice) => this.message(slice, g.attempt, g.replayed_at, progress)).map((body) => ({ body })));
    this.sending = true;
    try {
      await sendAll(this.queue, out);
      this.ctx.storage.sql.exec("DELETE FROM parked WHERE seq <= ?", rows[rows.length - 1]!.seq);
    } finally {
      this.sending = false;
    }
    return rows.length === RELEASE_ROWS;
  }

  private message(events: CanonicalEvent[], attempt: number, replayed_at: number | null, progress: Map<string, StepProgress>): DeliverMessage {
    return deliverMessage(events, this.row()?.destination ?? "", attempt, replayed_at, progress);
  }

  private row(): StateRow | undefined {
    return this.ctx.storage.sql.exec<StateRow>("SELECT destination, down, since FROM state WHERE id = 1").toArray()[0];
  }

  private setState(destination: string, down: boolean, since: number): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO state (id, destination, down, since) VALUES (1, ?, ?, ?)", destination, down ? 1 : 0, since);
  }

  private count(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM parked").one().n;
  }
}

export function backlogOf(env: ObjectEnv<"BACKLOG">, destination: string) {
  return objectIn(env, "BACKLOG", `backlog-${destination}`);
}

/** The delivery progress parked rows carry, by event_id. */
function progressOf(rows: readonly ParkedRow[]): Map<string, StepProgress> {
  const out = new Map<string, StepProgress>();
  for (const r of rows) {
    if (r.progress) out.set((JSON.parse(r.event) as CanonicalEvent).event_id, JSON.parse(r.progress) as StepProgress);
  }
  return out;
}
