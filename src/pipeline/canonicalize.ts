/** Assembles the canonical event from a validated, plan-checked event and what the edge knows. */
import type { CanonicalEvent, ClickIds, Consent, EventSource, UserTraits } from "../event/canonical.ts";
import { CLICK_ID_KEYS } from "../event/canonical.ts";
import { isValidClientId, uuidv7 } from "../identity/ids.ts";
import type { Visitor } from "../identity/visitor.ts";
import { parseDevice, type RequestContext } from "./enrich.ts";
import type { IncomingEvent } from "./incoming.ts";
import type { PlanOutcome } from "./plan.ts";

export interface CanonicalInput {
  event: IncomingEvent;
  plan: Extract<PlanOutcome, { kind: "accept" }>;
  source: EventSource;
  now: number;
  toleranceMs: number;
  request: RequestContext;
  visitor: Visitor;
  consent: Consent;
  /** The page URL, parsed once by the caller (it also read click ids from it). */
  pageUrl: URL | null;
}

/** Parses ISO 8601 or Unix ms; returns undefined when it is neither. */
export function parseTime(t: string | number | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (typeof t === "number") return t > 1e11 ? t : t * 1000;
  if (/^\d{10,13}$/.test(t)) return parseTime(Number(t));
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parsePageUrl(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

const q = (u: URL | null, k: string): string | null => u?.searchParams.get(k) || null;

function cleanTraits(t: IncomingEvent["traits"]): UserTraits {
  const out: UserTraits = {};
  if (!t) return out;
  for (const [k, v] of Object.entries(t)) if (typeof v === "string" && v.trim() !== "") out[k as keyof UserTraits] = v;
  return out;
}

export function canonicalize(i: CanonicalInput): CanonicalEvent {
  const { event: e, visitor, request, now, pageUrl } = i;
  const server = i.source === "server";
  const clientTime = parseTime(e.time) ?? now;
  const time = Math.min(Math.max(clientTime, now - i.toleranceMs), now + i.toleranceMs);

  const click_ids: ClickIds = {};
  for (const k of CLICK_ID_KEYS) {
    const c = visitor.clicks[k];
    if (c) click_ids[k] = c.value;
  }
  if (server && e.click_ids) {
    for (const [k, v] of Object.entries(e.click_ids)) {
      if ((CLICK_ID_KEYS as readonly string[]).includes(k) || k === "fbc" || k === "fbp") click_ids[k as keyof ClickIds] = v;
    }
  }
  // A server request has no browser: it never gets a made-up fbp/fbc, anonymous id or session (only what it sent).
  if (!server && visitor.fbc) click_ids.fbc ??= visitor.fbc;
  if (!server && visitor.fbp) click_ids.fbp ??= visitor.fbp;

  const ctx = e.context;
  const canonical: CanonicalEvent = {
    event_id: isValidClientId(e.event_id) ? e.event_id : uuidv7(now),
    name: e.name,
    time: new Date(time).toISOString(),
    received_at: new Date(now).toISOString(),
    source: i.source,
    // An event whose own consent denies analytics carries no visitor id, even if the batch's latest call allowed it.
    anonymous_id: server ? (e.anonymous_id ?? null) : i.consent.analytics ? visitor.anonymous_id : null,
    session_id: server ? (e.session_id ?? null) : i.consent.analytics ? visitor.session_id : null,
    user_id: e.user_id ?? null,
    properties: e.properties ?? {},
    value: i.plan.value,
    currency: i.plan.currency,
    value_kind: i.plan.value_kind,
    page: {
      url: pageUrl ? pageUrl.href : null,
      path: e.page?.path ?? (pageUrl ? pageUrl.pathname : null),
      title: e.page?.title ?? null,
      referrer: e.page?.referrer || null,
    },
    campaign: {
      source: q(pageUrl, "utm_source"),
      medium: q(pageUrl, "utm_medium"),
      name: q(pageUrl, "utm_campaign"),
      term: q(pageUrl, "utm_term"),
      content: q(pageUrl, "utm_content"),
    },
    click_ids,
    user: cleanTraits(e.traits),
    context: {
      ip: (server ? ctx?.ip : undefined) ?? request.ip,
      user_agent: (server ? ctx?.user_agent : undefined) ?? request.user_agent,
      locale: (server ? ctx?.locale : undefined) ?? request.locale,
      geo: request.geo,
      device: server && ctx?.user_agent ? parseDevice(ctx.user_agent) : request.device,
      bot: server ? false : request.bot,
      cookies: visitor.vendor,
    },
    consent: i.consent,
  };
  if (i.plan.violations.length) canonical.violations = i.plan.violations;
  return canonical;
}
