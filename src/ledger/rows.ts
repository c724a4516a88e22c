/**
 * Turns what the consumer decided for one batch (dedupe decisions, each destination's result, the settled
 * retries and dead letters) into ledger rows: one per copy of an event, one per event × destination. Pure
 * apart from hashing; `recordBatch` (record.ts) writes them before the batch is acked.
 */
import type { Config } from "../config/schema.ts";
import type { Admitted } from "../dedupe/admit.ts";
import type { DeadLetterInput } from "../delivery/DeadLetters.ts";
import type { EventResult } from "../delivery/deliver.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { sha256Hex } from "../identity/hash.ts";
import { keysOf, nodesOf } from "../identity/graph/nodes.ts";
import type { Outgoing } from "../queue/messages.ts";
import { botSignal, skipReason, type CopyState, type Reason } from "./reasons.ts";

/** One copy of an event as dedupe saw it. `id` is the event_id for the copy that went on, else copy:<token>. */
export interface EventRow {
  id: string;
  event_id: string;
  day: string;
  /** Accepted (received_at), epoch ms. */
  at: number;
  name: string;
  source: string;
  state: CopyState;
  /** For deduped and merged copies: the claim token of the copy they lost to. */
  by: string | null;
  /** SHA-256 (truncated) of the anonymous id and the user id: searchable, not readable. */
  anon: string | null;
  user: string | null;
  /** The business key (the plan's dedupe key, else order_id or lead_id): not a personal identifier. */
  order_id: string | null;
  value: number | null;
  currency: string | null;
  /** The value is the plan's estimate (fixed, or close rate × deal size), not an amount the visitor paid. */
  estimated: boolean;
  /** The timeline's summary (Summary as JSON). */
  info: string;
  /** The event's identity-graph keys (src/identity/graph/nodes.ts), each hashed again with hashId, space-separated: erasure matches on them. */
  keys: string | null;
}

export interface Summary {
  time: string;
  path: string | null;
  violations: { rule: string; path: string; message: string }[];
  geo: string | null;
  device: string;
  bot: string | null;
  consent: { analytics: boolean; ads: boolean; ad_user_data: boolean; gpc: boolean };
  merged_from: { event_id: string; source: string; signed: boolean }[];
  dedupe: string;
}

/** What happened to one event at one destination. */
export interface OutcomeRow {
  event_id: string;
  destination: string;
  day: string;
  at: number;
  name: string;
  source: string;
  reason: Reason;
  detail: string;
  /** The vendor's HTTP status (0: not sent, network failure or dry_run) and a short excerpt of its answer. */
  status: number;
  excerpt: string;
  attempt: number;
  /** When the next try is due (epoch ms), for retrying rows. */
  next_at: number | null;
  updated_at: number;
}

export interface LedgerRows {
  events: EventRow[];
  outcomes: OutcomeRow[];
  /**
   * Holds that went out under another event_id: merging keeps the browser copy's event_id, so a server copy
   * held first is released as the browser's event. Its `held` rows (under its own id, on one of these days)
   * are dropped, or they would stay pending for ever and count the conversion twice.
   */
  renamed: { event_id: string; days: string[] }[];
}

/** The parts of a consumer unit the ledger reads (src/delivery/consume.ts's Unit). */
export interface LedgerUnit {
  event: CanonicalEvent;
  destinations: readonly string[];
  attempt: number;
  replayed_at?: number;
}

export interface BatchOutcome {
  admitted: readonly Admitted[];
  /** Held copies whose merge window ended in this batch (they are also among `units`). */
  released: readonly CanonicalEvent[];
  units: readonly LedgerUnit[];
  results: ReadonlyMap<string, ReadonlyMap<string, EventResult>>;
  retries: readonly Outgoing[];
  /** Dead letters stored for this batch; one without a unit and result (the dead-letter queue's) still gets its row. */
  dead: readonly DeadLetterInput[];
  /**
   * Events of ingest messages that never got through dedupe (the delivery consumer failed on their message
   * until it went to the dead-letter queue): recorded as admitted copies, so they show and count as accepted.
   */
  undeduped?: readonly CanonicalEvent[];
}

const EXCERPT = 200;
const MAX_VIOLATIONS = 5;

/** A short excerpt of a vendor's answer; emails in it (CRMs echo them back) become [email]. */
export function excerptOf(text: string | undefined): string {
  return (text ?? "").replace(/[^\s@"'<>,;:()]+@[^\s@"'<>,;:()]+\.[a-z]{2,}/gi, "[email]").slice(0, EXCERPT);
}

export const dayOfMs = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Identifiers are stored as the first 32 hex digits of SHA-256 over a fixed label and the value. */
export async function hashId(v: string): Promise<string> {
  return (await sha256Hex(`tagwire-ledger:${v}`)).slice(0, 32);
}

export function businessKeyOf(cfg: Config, e: CanonicalEvent): string | null {
  const key = cfg.plan.events[e.name]?.dedupe?.key;
  for (const k of key ? [key, "order_id", "lead_id"] : ["order_id", "lead_id"]) {
    const v = e.properties[k];
    if (typeof v === "string" && v !== "") return v.slice(0, 200);
    if (typeof v === "number") return String(v);
  }
  return null;
}

function summary(e: CanonicalEvent, dedupe: string): Summary {
  const g = e.context.geo;
  const d = e.context.device;
  return {
    time: e.time,
    path: e.page.path,
    violations: (e.violations ?? []).slice(0, MAX_VIOLATIONS).map((v) => ({ rule: v.rule, path: v.path, message: v.message.slice(0, 200) })),
    geo: g.country ? [g.country, g.region_code].filter(Boolean).join("/") : null,
    // A device type of "bot" beside "bot: no" reads as a contradiction: an event without a browser says so.
    device: !e.context.bot && d.type === "bot" ? (e.context.user_agent ? "automated client (allowed)" : "no browser (no User-Agent)") : [d.type, d.os, d.browser].filter(Boolean).join(" · "),
    bot: e.context.bot ? botSignal(e) : null,
    consent: { analytics: e.consent.analytics, ads: e.consent.ads, ad_user_data: e.consent.ad_user_data, gpc: e.consent.gpc },
    merged_from: (e.merged_from ?? []).map((m) => ({ event_id: m.event_id, source: m.source, signed: m.signed })),
    dedupe,
  };
}

async function eventRow(cfg: Config, e: CanonicalEvent, id: string, state: CopyState, by: string | null, dedupe: string): Promise<EventRow> {
  const at = Date.parse(e.received_at);
  return {
    id,
    event_id: e.event_id,
    day: dayOfMs(at),
    at,
    name: e.name,
    source: e.source,
    state,
    by,
    anon: e.anonymous_id ? await hashId(e.anonymous_id) : null,
    user: e.user_id ? await hashId(e.user_id) : null,
    order_id: businessKeyOf(cfg, e),
    value: e.value,
    currency: e.currency,
    estimated: e.value_kind === "estimated",
    info: JSON.stringify(summary(e, dedupe)),
    keys: (await Promise.all(keysOf(await nodesOf(e)).map(hashId))).join(" ") || null,
  };
}

function copyRow(a: Admitted): { state: CopyState; by: string | null; text: string } | null {
  const d = a.decision;
  switch (d.kind) {
    case "admitted":
      return { state: "admitted", by: null, text: d.supersedes ? "a signed copy: it outranked the unsigned copy sent before, which went nowhere" : "first copy" };
    case "held":
      return { state: "held", by: null, text: `held until ${new Date(d.release_at).toISOString()} for copies to merge with` };
    case "duplicate":
      // `by` names the event that went on, so the inspector can lead there (a claim token means nothing to people).
      return { state: "deduped", by: d.into ?? null, text: d.into && d.into !== a.event.event_id ? `duplicate of ${d.into}, which went on` : "duplicate of a copy sent before" };
    case "merged":
      return { state: "merged", by: d.into ?? null, text: d.into ? `merged into ${d.into}: its destinations are on that event` : "merged into a held copy" };
    case "replayed":
      return { state: "replayed", by: null, text: "its signed request was a replay" };
    case "done":
      return null;
  }
}

const enabled = (cfg: Config) => Object.entries(cfg.destinations).filter(([, d]) => d.enabled).map(([id]) => id);

export async function ledgerRows(cfg: Config, b: BatchOutcome, now: number): Promise<LedgerRows> {
  const events: EventRow[] = [];
  const outcomes: OutcomeRow[] = [];
  const renamed: LedgerRows["renamed"] = [];
  const base = (e: CanonicalEvent, destination: string) => {
    const at = Date.parse(e.received_at);
    return { event_id: e.event_id, destination, day: dayOfMs(at), at, name: e.name, source: e.source, updated_at: now };
  };

  for (const a of b.admitted) {
    const c = copyRow(a);
    if (!c) continue;
    const goesOn = c.state === "admitted" || c.state === "held";
    events.push(await eventRow(cfg, a.event, goesOn ? a.event.event_id : `copy:${a.token}`, c.state, c.by, c.text));
    if (c.state === "held") {
      // Every destination is pending until the window ends, so per-destination counts include held events.
      for (const d of enabled(cfg)) {
        outcomes.push({ ...base(a.event, d), reason: "held", detail: c.text, status: 0, excerpt: "", attempt: 0, next_at: a.decision.kind === "held" ? a.decision.release_at : null });
      }
    }
  }
  for (const e of b.released) {
    const merged = e.merged_from?.length ?? 0;
    // merged_from[0] is the copy that was held first (src/dedupe/merge.ts).
    const first = e.merged_from?.[0]?.event_id ?? e.event_id;
    let text = merged > 1 ? `released after the merge window, ${merged} copies merged` : "released after the merge window";
    if (first !== e.event_id) {
      text += ` (held as ${first}; sent with the browser copy's event_id)`;
      // The hold was accepted between the merged event's received_at (the earliest copy) and now.
      renamed.push({ event_id: first, days: [...new Set([dayOfMs(Date.parse(e.received_at)), dayOfMs(now)])] });
    }
    events.push(await eventRow(cfg, e, e.event_id, "admitted", null, text));
  }
  for (const e of b.undeduped ?? []) {
    events.push(await eventRow(cfg, e, e.event_id, "admitted", null, "not deduped: the delivery consumer failed on its message until it went to the dead-letter queue"));
  }

  const retryAt = new Map<string, { at: number; attempt: number }>();
  for (const r of b.retries) {
    const m = r.body;
    if (!("kind" in m) || m.kind !== "deliver") continue;
    for (const e of m.events) for (const d of m.destinations) retryAt.set(`${d}\u0000${e.event_id}`, { at: now + (r.delaySeconds ?? 0) * 1000, attempt: m.attempt });
  }
  const deadAt = new Map(b.dead.map((d) => [`${d.destination}\u0000${d.event.event_id}`, d]));

  const seen = new Set<string>();
  for (const u of b.units) {
    for (const d of u.destinations) {
      const key = `${d}\u0000${u.event.event_id}`;
      const r = b.results.get(d)?.get(u.event.event_id);
      if (!r || seen.has(key)) continue;
      seen.add(key);
      const row = { ...base(u.event, d), status: 0, excerpt: "", attempt: u.attempt + 1, next_at: null as number | null };
      const dead = deadAt.get(key);
      if (dead) {
        outcomes.push({ ...row, ...deadRow(dead) });
      } else if (r.kind === "skipped") {
        outcomes.push({ ...row, ...skipReason(r.reason, u.event, d), attempt: u.attempt });
      } else if (r.kind === "ok") {
        const dry = cfg.destinations[d]?.mode === "dry_run";
        outcomes.push({ ...row, reason: dry ? "dry_run" : "delivered", detail: dry ? "recorded, not sent (mode = dry_run)" : "", status: r.status, excerpt: dry ? "" : excerptOf(r.detail) });
      } else {
        // retry (drop and auth are always dead letters above)
        const next = retryAt.get(key);
        const limited = r.status === 429 || /rate limit|paced/i.test(r.detail ?? "");
        outcomes.push({ ...row, reason: limited ? "rate_limited" : "retrying", detail: next ? `failed attempt ${next.attempt}; retried until the destination's freshness window ends` : "", status: r.status, excerpt: excerptOf(r.detail), next_at: next?.at ?? null });
      }
    }
  }
  // Dead letters decided without a delivery round (the dead-letter queue's consumer): their rows all the same.
  for (const [key, dead] of deadAt) {
    if (seen.has(key)) continue;
    seen.add(key);
    outcomes.push({ ...base(dead.event, dead.destination), next_at: null, ...deadRow(dead) });
  }
  return { events, outcomes, renamed };
}

/** What a person reads for each kind of dead letter; the detail starts with the kind (alerts count `auth:`). */
const DEAD_DETAIL: Record<string, string> = {
  drop: "drop: the vendor refused the event (its answer says why); fix the cause, then npm run replay",
  auth: "auth: the vendor refused the credentials (401/403); fix the destination's secret, then npm run replay",
  expired: "expired: retries outlived the destination's freshness window",
};

/**
 * A dead letter's row: a sentence per kind as the detail, the vendor's answer as the excerpt; a message the
 * consumer itself failed on has no vendor answer, so its explanation is the detail.
 */
function deadRow(d: DeadLetterInput): Pick<OutcomeRow, "reason" | "detail" | "status" | "excerpt" | "attempt"> {
  const reason = d.reason === "expired" ? "expired" : "dead_lettered";
  if (d.reason === "consumer") return { reason, detail: d.body, status: d.status, excerpt: "", attempt: d.attempts };
  return { reason, detail: DEAD_DETAIL[d.reason] ?? d.reason, status: d.status, excerpt: excerptOf(d.body), attempt: d.attempts };
}
