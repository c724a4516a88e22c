/**
 * Sends canonical events to one destination: gate each event (consent, bots, mapping), let the adapter build
 * requests, then send them (or record them in dry_run) and classify each answer. The only place that calls
 * fetch for a destination.
 */
import type { Config, DestinationConfig } from "../config/schema.ts";
import { eligibility, viewFor } from "../destinations/eligibility.ts";
import { definitionOf } from "../destinations/registry.ts";
import type { BuildContext, BuiltRequest, DestinationDefinition, Outcome, OutboundRequest } from "../destinations/types.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import { classifyStatus, networkFailure } from "./classify.ts";
import { redactHeaders, redactor } from "./redact.ts";

export type EventResult =
  | { event_id: string; kind: "skipped"; reason: string }
  | ({ event_id: string } & Outcome);

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

async function accessToken(
  destId: string,
  def: DestinationDefinition,
  dest: DestinationConfig,
  secrets: Record<string, string | undefined>,
  deps: DeliveryDeps,
): Promise<string | Outcome> {
  const auth = def.auth!;
  const key = `${destId}:${JSON.stringify(secrets)}`;
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

function spread(built: BuiltRequest, o: Outcome): EventResult[] {
  return built.event_ids.map((id) => {
    const per = o.perEvent?.[id];
    const { perEvent: _drop, ...rest } = per ?? o;
    return { event_id: id, ...rest };
  });
}

/** Delivers `events` to destination `destId`; returns one result per event. Never throws. */
export async function deliver(destId: string, events: readonly CanonicalEvent[], deps: DeliveryDeps): Promise<EventResult[]> {
  const dest = deps.cfg.destinations[destId];
  if (!dest) return events.map((e) => ({ event_id: e.event_id, kind: "skipped", reason: `no destination ${destId}` }));
  const def = definitionOf(dest.type);
  const results: EventResult[] = [];
  const names = new Map<string, string>();
  const ready: CanonicalEvent[] = [];
  for (const e of events) {
    const el = eligibility(deps.cfg, destId, dest, def, e);
    if (!el.ok) results.push({ event_id: e.event_id, kind: "skipped", reason: el.reason });
    else {
      names.set(e.event_id, el.vendorName);
      ready.push(viewFor(dest, def, e));
    }
  }
  if (ready.length === 0) return results;

  const secrets = secretsFor(def, dest, deps);
  const redact = redactor(secrets);
  const ctx: BuildContext<unknown> = {
    destination: destId,
    settings: dest,
    secrets,
    mode: dest.mode,
    eventName: (e) => names.get(e.event_id),
    now: deps.now,
    endpoint: dest.endpoint,
  };
  if (def.auth && dest.mode !== "dry_run") {
    const token = await accessToken(destId, def, dest, secrets, deps);
    if (typeof token !== "string") return results.concat(ready.map((e) => ({ event_id: e.event_id, ...token })));
    ctx.accessToken = token;
  } else if (def.auth) ctx.accessToken = "dry-run-token";

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
    for (const b of built.requests) {
      const recorded: RecordedRequest = {
        destination: destId,
        type: dest.type,
        mode: dest.mode,
        event_ids: b.event_ids,
        request: { ...b.request, url: redact(b.request.url), headers: redactHeaders(b.request.headers, redact) },
        outcome: "recorded",
        at: new Date(deps.now()).toISOString(),
      };
      if (b.request.body !== undefined) recorded.request.body = redact(b.request.body);
      if (dest.mode === "dry_run") {
        deps.record?.(recorded);
        results.push(...spread(b, { kind: "ok", status: 0, detail: "dry_run" }));
        continue;
      }
      let outcome: Outcome;
      try {
        const res = await send(b.request, deps);
        outcome = def.interpret
          ? def.interpret(res, b)
          : classifyStatus(res.status, res.headers, deps.now(), res.status >= 300 ? res.body.slice(0, DETAIL_MAX) : undefined);
        if (outcome.detail) outcome = { ...outcome, detail: redact(outcome.detail) };
        recorded.response = { status: res.status, body: redact(res.body.slice(0, DETAIL_MAX)) };
      } catch (err) {
        outcome = networkFailure(err);
      }
      recorded.outcome = outcome.kind;
      deps.record?.(recorded);
      results.push(...spread(b, outcome));
    }
  }
  return results;
}
