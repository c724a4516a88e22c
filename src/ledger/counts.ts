/**
 * The ledger's counts for one day of acceptance, per event name and destination, laid out so they can be
 * checked: per destination, accepted = delivered + not_sent (by reason) + dead + pending, and `unrecorded`
 * is how many events that went on have no row for that destination (0 unless a destination was added later).
 */
import type { CountRow } from "./Ledger.ts";
import { REASONS, type OutcomeClass, type Reason } from "./reasons.ts";

type Tally = Record<string, number>;

export interface DestinationCounts {
  accepted: number;
  delivered: number;
  not_sent: Tally;
  dead: Tally;
  pending: Tally;
  unrecorded: number;
}

export interface EventCounts {
  /** Copies received, and what dedupe made of them; accepted = admitted + held (the copies that went on). */
  copies: { received: number; accepted: number } & Tally;
  destinations: Record<string, DestinationCounts>;
}

export interface DayCounts {
  day: string;
  events: Record<string, EventCounts>;
  /** Per destination, all event names summed. */
  destinations: Record<string, DestinationCounts>;
}

const blank = (): DestinationCounts => ({ accepted: 0, delivered: 0, not_sent: Object.create(null), dead: Object.create(null), pending: Object.create(null), unrecorded: 0 });

function add(c: DestinationCounts, reason: string, n: number): void {
  const cls: OutcomeClass = reason in REASONS ? REASONS[reason as Reason] : "not_sent";
  c.accepted += n;
  if (cls === "delivered") c.delivered += n;
  else c[cls][reason] = (c[cls][reason] ?? 0) + n;
}

/** Sums of each class, as the identity reads them. */
export const sumOf = (t: Tally) => Object.values(t).reduce((a, b) => a + b, 0);
export const balances = (c: DestinationCounts) => c.accepted === c.delivered + sumOf(c.not_sent) + sumOf(c.dead) + sumOf(c.pending);

export function dayCounts(day: string, rows: readonly CountRow[]): DayCounts {
  // Event names and destinations come from input ("constructor" is a valid event name): no prototypes.
  const events: Record<string, EventCounts> = Object.create(null);
  const totals: Record<string, DestinationCounts> = Object.create(null);
  const ev = (name: string) => (events[name] ??= { copies: Object.assign(Object.create(null), { received: 0, accepted: 0 }), destinations: Object.create(null) });
  for (const r of rows) {
    const e = ev(r.name);
    if (r.destination === "") {
      e.copies[r.reason] = (e.copies[r.reason] ?? 0) + r.n;
      e.copies.received += r.n;
      if (r.reason === "admitted" || r.reason === "held") e.copies.accepted += r.n;
      continue;
    }
    add((e.destinations[r.destination] ??= blank()), r.reason, r.n);
    add((totals[r.destination] ??= blank()), r.reason, r.n);
  }
  for (const e of Object.values(events)) {
    for (const [d, c] of Object.entries(e.destinations)) {
      c.unrecorded = Math.max(0, e.copies.accepted - c.accepted);
      totals[d]!.unrecorded += c.unrecorded;
    }
  }
  return { day, events, destinations: totals };
}
