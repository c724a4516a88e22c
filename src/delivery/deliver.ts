/**
 * Sends canonical events to one destination: gate each event (consent, bots, mapping), let the adapter build
 * requests, then send them (or record them in dry_run) and classify each answer. The only place that calls
 * fetch for a destination.
 *
 * Exactly once where it matters: each request names its step, and the steps an event completed travel with its
 * retry (`Progress`, see `progressToCarry`), so a retry sends only what failed. A request the vendor refused as a
 * whole (one bad row in a batch) is split in halves and resent until the bad events are isolated, so they never
 * take their siblings with them.
 */
import type { Config, DestinationConfig } from "../config/schema.ts";
import { eligibility, viewFor } from "../destinations/eligibility.ts";
import { definitionOf } from "../destinations/registry.ts";
import type { BuildContext, BuiltRequest, DestinationDefinition, Outcome, OutboundRequest, Progress, VendorResponse } from "../destinations/types.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { classifyResponse, classifyStatus, networkFailure } from "../outcome/classify.ts";
import { redactHeaders, redactor } from "./redact.ts";
import { MAX_PACE_WAIT_MS, pacer, type RateLimit } from "./pacing.ts";
import { actionsFor } from "../rules/route.ts";

export type { Progress } from "../destinations/types.ts";

export type EventResult =
  | { event_id: string; kind: "skipped"; reason: string }
  | ({ event_id: string; progress?: Progress } & Outcome);

/** What earlier attempts achieved, per event_id (from `progressToCarry` of those attempts). */
export type ProgressByEvent = Readonly<Record<string, Progress | undefined>>;

/**
 * The progress a retry (or a dead letter, and its replay) must carry for these results: event_id → Progress for
 * every event that is not done yet and has something to remember. Pass it back as `deliver(..., progress)`.
 */
export function progressToCarry(results: readonly EventResult[]): Record<string, Progress> {
  const out: Record<string, Progress> = Object.create(null);
  for (const r of results) if (r.kind !== "ok" && r.kind !== "skipped" && r.progress) out[r.event_id] = r.progress;
  return out;
}

export interface RecordedRequest {
  destination: string;
  type: string;
  mode: string;
  event_ids: string[];
  request: OutboundRequest;
  response?: { status: number; body: string };
  outcome: string;
  at: string;
}

export interface DeliveryDeps {
  cfg: Config;
  secret(name: string): string | undefined;
  fetch(req: Request): Promise<Response>;
  now(): number;
  /**
   * Reserves a request slot under a destination's rate limit and returns the milliseconds to wait. Default: this
   * isolate's token bucket (src/delivery/pacing.ts); a Durable Object holding a Pacer makes the limit global.
   */
  pace?(key: string, limit: RateLimit): Promise<number>;
  /** Waits before a paced request (tests may pass a fake); default setTimeout. */
  sleep?(ms: number): Promise<void>;
  /** Called with each request sent or, in dry_run, not sent (secrets already redacted). */
  record?(entry: RecordedRequest): void;
}

const TIMEOUT_MS = 15_000;
const DETAIL_MAX = 2_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}
const tokens = new Map<string, CachedToken>();

/**
 * The redactor of a destination's secrets, kept per destination config while its secret values stay the same
 * (a delivery round calls deliver() once per destination, and the single-event paths once per event).
 */
const redactors = new WeakMap<DestinationConfig, { values: (string | undefined)[]; redact: (s: string) => string }>();
function redactorFor(def: DestinationDefinition, dest: DestinationConfig, secrets: Record<string, string | undefined>): (s: string) => string {
  const values = def.secretKeys.map((k) => secrets[k]);
  const cached = redactors.get(dest);
  if (cached && cached.values.length === values.length && cached.values.every((v, i) => v === values[i])) return cached.redact;
  const redact = redactor(secrets);
  redactors.set(dest, { values, redact });
  return redact;
}

function secretsFor(def: DestinationDefinition, dest: DestinationConfig, deps: DeliveryDeps) {
  const out: Record<string, string | undefined> = {};
  for (const key of def.secretKeys) {
    const name = (dest as Record<string, unknown>)[key];
    out[key] = typeof name === "string" ? deps.secret(name) : undefined;
  }
  return out;
}

async function send(req: OutboundRequest, deps: DeliveryDeps): Promise<{ status: number; headers: Headers; body: string }> {
  const init: RequestInit = { method: req.method, headers: req.headers, signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (req.body !== undefined) init.body = req.body;
  const res = await deps.fetch(new Request(req.url, init));
  return { status: res.status, headers: res.headers, body: (await res.text()).slice(0, 64_000) };
}

/** A token belongs to the credentials and the token endpoint (an org moved to another My Domain needs a new one). */
function tokenKey(destId: string, def: DestinationDefinition, dest: DestinationConfig, secrets: Record<string, string | undefined>): string {
  return `${destId}:${def.auth!.request(dest, secrets, dest.endpoint).url}:${JSON.stringify(secrets)}`;
}

async function accessToken(
  destId: string,
  def: DestinationDefinition,
  dest: DestinationConfig,
  secrets: Record<string, string | undefined>,
  deps: DeliveryDeps,
): Promise<string | Outcome> {
  const auth = def.auth!;
  const key = tokenKey(destId, def, dest, secrets);
  const cached = tokens.get(key);
  if (cached && cached.expiresAt > deps.now() + 60_000) return cached.token;
  try {
    const res = await send(auth.request(dest, secrets, dest.endpoint), deps);
    if (res.status < 200 || res.status >= 300) {
      const o = classifyStatus(res.status, res.headers, deps.now(), redactor(secrets)(res.body.slice(0, DETAIL_MAX)));
      // A refused token exchange is an auth failure whatever status the token endpoint used.
      return o.kind === "drop" ? { ...o, kind: "auth" } : o;
    }
    const t = auth.parse(res.body);
    tokens.set(key, { token: t.token, expiresAt: deps.now() + t.expiresIn * 1000 });
    return t.token;
  } catch (err) {
    return networkFailure(err);
  }
}

const RANK: Record<EventResult["kind"], number> = { skipped: 0, ok: 1, drop: 2, auth: 3, retry: 4 };

/**
 * One result per event: an event several requests carried (HubSpot upsert + behavioural event + task) gets the
 * most pressing outcome, so a retry resends it and a partly done event is never reported as done.
 */
function mergePerEvent(results: EventResult[]): EventResult[] {
  const by = new Map<string, EventResult>();
  for (const r of results) {
    const prev = by.get(r.event_id);
    if (!prev || RANK[r.kind] > RANK[prev.kind]) by.set(r.event_id, r);
  }
  return [...by.values()];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Every request recorded is stamped; a delivery's requests mostly share the millisecond (and a Worker's clock
// stands still while it computes), so the last stamp is kept rather than formatted again.
let lastStamp = { ms: NaN, iso: "" };
function isoAt(ms: number): string {
  if (ms !== lastStamp.ms) lastStamp = { ms, iso: new Date(ms).toISOString() };
  return lastStamp.iso;
}

function spread(built: BuiltRequest, o: Outcome): EventResult[] {
  return built.event_ids.map((id) => {
    const per = o.perEvent?.[id];
    const { perEvent: _drop, ...rest } = per ?? o;
    return { event_id: id, ...rest };
  });
}

/** Requests spent isolating refused rows, per delivery; beyond it the rest is retried later (never dropped). */
const BISECT_BUDGET = 64;
const DEFAULT_STEP = "send";

/** What sending one request (and everything that followed from it) came to. */
interface Sent {
  results: EventResult[];
  /** Events for which this request and all its follow-ups succeeded. */
  ok: Set<string>;
  /** The vendor refused a request of several events as a whole: worth splitting to find the bad ones. */
  refusedAsGroup: boolean;
}

function progressOf(given: ProgressByEvent | undefined, id: string): Progress | undefined {
  return given && Object.hasOwn(given, id) ? given[id] : undefined;
}

/**
 * Delivers `events` to destination `destId`; returns one result per event. Never throws. `progress` is what
 * earlier attempts of these events achieved here (`progressToCarry`): steps already done are not sent again.
 */
export async function deliver(
  destId: string,
  events: readonly CanonicalEvent[],
  deps: DeliveryDeps,
  progress?: ProgressByEvent,
): Promise<EventResult[]> {
  const dest = deps.cfg.destinations[destId];
  if (!dest) return events.map((e) => ({ event_id: e.event_id, kind: "skipped", reason: `no destination ${destId}` }));
  const def = definitionOf(dest.type);
  const results: EventResult[] = [];
  const names = new Map<string, string>();
  const originals = new Map<string, CanonicalEvent>();
  const ready: CanonicalEvent[] = [];
  for (const e of events) {
    const el = eligibility(deps.cfg, destId, dest, def, e);
    if (!el.ok) results.push({ event_id: e.event_id, kind: "skipped", reason: el.reason });
    else {
      names.set(e.event_id, el.vendorName);
      originals.set(e.event_id, e);
      ready.push(viewFor(dest, def, e));
    }
  }
  if (ready.length === 0) return results;

  // Steps done per event (earlier attempts, then this one as requests succeed), and the group each was sent in.
  const done = new Map<string, Set<string>>();
  const groups = new Map<string, string>();
  for (const e of ready) {
    const p = progressOf(progress, e.event_id);
    if (p?.done?.length) done.set(e.event_id, new Set(p.done));
    if (p?.group) groups.set(e.event_id, p.group);
  }
  const isDone = (id: string, step: string) => done.get(id)?.has(step) === true;
  const markDone = (id: string, step: string) => {
    const set = done.get(id) ?? new Set<string>();
    set.add(step);
    done.set(id, set);
  };
  /** Attaches what a retry must carry to every result that is not final. */
  const withProgress = (list: EventResult[]): EventResult[] =>
    list.map((r) => {
      if (r.kind === "ok" || r.kind === "skipped") return r;
      const p: Progress = {};
      const d = done.get(r.event_id);
      if (d?.size) p.done = [...d].sort();
      const g = groups.get(r.event_id);
      if (g) p.group = g;
      return p.done || p.group ? { ...r, progress: p } : r;
    });

  const secrets = secretsFor(def, dest, deps);
  // A secret the config names but the Worker lacks: nothing can succeed until it is set. Dead-letter (auth) so
  // the events can be replayed once `wrangler secret put` has run, instead of sending unauthenticated requests.
  const unset = def.secretKeys.filter((k) => typeof dest[k] === "string" && secrets[k] === undefined).map((k) => String(dest[k]));
  if (unset.length && dest.mode !== "dry_run") {
    const detail = `secret ${unset.join(", ")} is not set (wrangler secret put ${unset[0]})`;
    return withProgress(mergePerEvent(results.concat(ready.map((e) => ({ event_id: e.event_id, kind: "auth" as const, status: 0, detail })))));
  }
  const redact = redactorFor(def, dest, secrets);
  const ctx: BuildContext<unknown> = {
    destination: destId,
    settings: dest,
    secrets,
    mode: dest.mode,
    eventName: (e) => names.get(e.event_id),
    now: deps.now,
    endpoint: dest.endpoint,
    // Conditions see the whole event, as the routing limits in eligibility do; the adapter renders the view.
    actions: (e) => actionsFor(deps.cfg.rules, destId, originals.get(e.event_id) ?? e),
    progress: (e) => progressOf(progress, e.event_id),
  };
  const needsToken = def.auth !== undefined && (def.auth.needed?.(dest) ?? true);
  if (needsToken && dest.mode !== "dry_run") {
    const token = await accessToken(destId, def, dest, secrets, deps);
    if (typeof token !== "string") return withProgress(results.concat(ready.map((e) => ({ event_id: e.event_id, ...token }))));
    ctx.accessToken = token;
  } else if (needsToken) ctx.accessToken = "dry-run-token";

  // Sends one built request (or records it in dry_run), then whatever depends on its answer.
  const sendBuilt = async (b: BuiltRequest): Promise<Sent> => {
    const step = b.step ?? DEFAULT_STEP;
    const out: Sent = { results: [], ok: new Set(), refusedAsGroup: false };
    if (b.event_ids.every((id) => isDone(id, step))) {
      // Done in an earlier attempt, with everything that followed from it: never again.
      for (const id of b.event_ids) {
        out.results.push({ event_id: id, kind: "ok", status: 0, detail: `${step}: done in an earlier attempt` });
        out.ok.add(id);
      }
      return out;
    }
    const recorded: RecordedRequest = {
      destination: destId,
      type: dest.type,
      mode: dest.mode,
      event_ids: b.event_ids,
      request: { ...b.request, url: redact(b.request.url), headers: redactHeaders(b.request.headers, redact) },
      outcome: "recorded",
      at: isoAt(deps.now()),
    };
    if (b.request.body !== undefined) recorded.request.body = redact(b.request.body);
    if (b.group) for (const id of b.event_ids) groups.set(id, b.group);
    let outcome: Outcome;
    let res: VendorResponse | undefined;
    if (dest.mode === "dry_run") {
      deps.record?.(recorded);
      outcome = { kind: "ok", status: 0, detail: "dry_run" };
      // Show what would follow, built from an empty answer (no ids known).
      if (b.next) res = { status: 0, headers: new Headers(), body: "" };
    } else {
      if (def.rateLimit) {
        const wait = deps.pace ? await deps.pace(destId, def.rateLimit) : pacer.reserve(destId, def.rateLimit, deps.now());
        if (wait > MAX_PACE_WAIT_MS) {
          if (!deps.pace) pacer.release(destId);
          out.results.push(...spread(b, { kind: "retry", status: 0, retryAfter: Math.ceil(wait / 1000), detail: "paced: rate limit" }));
          return out;
        }
        if (wait > 0) await (deps.sleep ?? sleep)(wait);
      }
      try {
        res = await send(b.request, deps);
        outcome = def.interpret ? def.interpret(res, b) : classifyResponse(res, deps.now());
        if (outcome.detail) outcome = { ...outcome, detail: redact(outcome.detail) };
        recorded.response = { status: res.status, body: redact(res.body.slice(0, DETAIL_MAX)) };
      } catch (err) {
        outcome = networkFailure(err);
      }
      recorded.outcome = outcome.kind;
      deps.record?.(recorded);
      // A refused token must not be reused by the next delivery.
      if (outcome.kind === "auth" && def.auth) tokens.delete(tokenKey(destId, def, dest, secrets));
    }
    const spreadOut = spread(b, outcome);
    out.results.push(...spreadOut);
    out.refusedAsGroup = outcome.kind === "drop" && !outcome.perEvent && b.event_ids.length > 1;
    for (const r of spreadOut) if (r.kind === "ok") out.ok.add(r.event_id);
    if (outcome.kind === "ok" && res && b.next) {
      for (const f of b.next(res)) {
        const fs = await sendBuilt(f);
        out.results.push(...fs.results);
        out.refusedAsGroup ||= fs.refusedAsGroup;
        for (const id of f.event_ids) if (!fs.ok.has(id)) out.ok.delete(id);
      }
    }
    // A step counts as done only with everything that followed from it, so a retry that must redo a follow-up
    // resends its (idempotent) parent to learn what the follow-up needs.
    for (const id of out.ok) markDone(id, step);
    return out;
  };

  let budget = BISECT_BUDGET;
  const byId = new Map(ready.map((e) => [e.event_id, e]));
  // Sends a top-level request; a batch refused as a whole is split in halves, rebuilt and resent.
  const sendTop = async (b: BuiltRequest): Promise<void> => {
    const sent = await sendBuilt(b);
    const pending = b.event_ids.filter((id) => byId.has(id) && !sent.ok.has(id));
    if (!sent.refusedAsGroup || pending.length < 2) {
      results.push(...sent.results);
      return;
    }
    // The halves decide the pending events' outcomes; what this attempt did for them is in `done` already.
    const open = new Set(pending);
    for (const r of sent.results) if (!open.has(r.event_id)) results.push(r);
    const refusal = sent.results.find((r) => r.kind === "drop");
    const step = b.step ?? DEFAULT_STEP;
    const mid = Math.ceil(pending.length / 2);
    const from = results.length;
    for (const half of [pending.slice(0, mid), pending.slice(mid)]) {
      if (budget <= 0) {
        // Not isolated yet: try again later rather than dead-letter events that may be fine.
        const detail = `refused in a batch, not yet isolated; retried: ${refusal?.kind === "drop" ? (refusal.detail ?? "") : ""}`.slice(0, DETAIL_MAX);
        const status = refusal?.kind === "drop" ? refusal.status : 0;
        for (const id of half) results.push({ event_id: id, kind: "retry", status, detail });
        continue;
      }
      const evs = half.map((id) => byId.get(id)!);
      let rebuilt;
      try {
        rebuilt = await def.build(evs, ctx);
      } catch (err) {
        const detail = `build failed: ${err instanceof Error ? err.message : String(err)}`;
        for (const e of evs) results.push({ event_id: e.event_id, kind: "retry", status: 0, detail });
        continue;
      }
      for (const s of rebuilt.skipped) results.push({ event_id: s.event_id, kind: "skipped", reason: s.reason });
      for (const r of rebuilt.requests.filter((r) => (r.step ?? DEFAULT_STEP) === step)) {
        budget--;
        await sendTop(r);
      }
    }
    // An event the rebuilt halves did not carry must not pass for done.
    const decided = new Set(results.slice(from).map((r) => r.event_id));
    for (const id of pending) if (!decided.has(id)) results.push({ event_id: id, kind: "retry", status: 0, detail: `${step}: not resent while isolating a refused row` });
  };

  for (let i = 0; i < ready.length; i += def.maxBatch) {
    const chunk = ready.slice(i, i + def.maxBatch);
    let built;
    try {
      built = await def.build(chunk, ctx);
    } catch (err) {
      // An adapter bug must not lose events: retry later (a fixed deploy will map them).
      const detail = `build failed: ${err instanceof Error ? err.message : String(err)}`;
      for (const e of chunk) results.push({ event_id: e.event_id, kind: "retry", status: 0, detail });
      continue;
    }
    for (const s of built.skipped) results.push({ event_id: s.event_id, kind: "skipped", reason: s.reason });
    for (const b of built.requests) await sendTop(b);
  }
  return withProgress(mergePerEvent(results));
}
