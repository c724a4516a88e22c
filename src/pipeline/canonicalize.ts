/** Assembles the canonical event from a validated, plan-checked event and what the edge knows. */
import type { CanonicalEvent, ClickIds, Consent, EventSource, UserTraits } from "../event/canonical.ts";
import { CLICK_ID_KEYS } from "../event/canonical.ts";
import { isValidClientId, uuidv7 } from "../identity/ids.ts";
import { isMetaCookie, newFbc } from "../identity/meta.ts";
import type { Visitor } from "../identity/visitor.ts";
import { parseDevice, type RequestContext } from "./enrich.ts";
import type { IncomingEvent } from "./incoming.ts";
import type { PlanOutcome } from "./plan.ts";
import { hasPii, idWithoutPii, scrubNullable, scrubPath, scrubProperties, scrubText, scrubUrl } from "./scrub.ts";

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
  /** Properties left as sent by the PII scrub (privacy.keep_properties). */
  keepProperties: readonly string[];
  /** Whether user_id carried a valid signature (undefined: verification is off or there is no user_id). */
  userIdVerified?: boolean | undefined;
}

// Times outside these years are typos or attacks, not clocks: refused rather than carried to a vendor.
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** Parses ISO 8601 or Unix ms (or s); returns undefined when it is neither, or not between 2000 and 2100. */
export function parseTime(t: string | number | undefined): number | undefined {
  if (t === undefined) return undefined;
  let ms: number;
  if (typeof t === "number") ms = t > 1e11 ? t : t * 1000;
  else if (/^\d{10,13}$/.test(t)) return parseTime(Number(t));
  else ms = Date.parse(t);
  return Number.isFinite(ms) && ms >= EARLIEST && ms < LATEST ? Math.floor(ms) : undefined;
}

/**
 * How the client's time relates to when Tagwire received it. The time itself is never changed: a late event
 * (older than the tolerance) or a clock-skewed one (ahead of it) is marked, and each destination's window
 * decides whether it may still be sent (src/destinations/eligibility.ts).
 */
export function timeStatusOf(clientMs: number, now: number, toleranceMs: number): "late" | "clock_skewed" | undefined {
  if (clientMs < now - toleranceMs) return "late";
  if (clientMs > now + toleranceMs) return "clock_skewed";
  return undefined;
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

const CLICK_VALUE = /^[A-Za-z0-9_.~+/=-]{1,512}$/;

const q = (u: URL | null, k: string): string | null => {
  const v = u?.searchParams.get(k);
  return v ? scrubText(v) : null;
};

function cleanTraits(t: IncomingEvent["traits"]): UserTraits {
  const out: UserTraits = {};
  if (!t) return out;
  const { region, ...rest } = t;
  for (const [k, v] of Object.entries(rest)) if (typeof v === "string" && v.trim() !== "") out[k as keyof UserTraits] = v;
  if (!out.state && region && region.trim() !== "") out.state = region;
  return out;
}

export function canonicalize(i: CanonicalInput): CanonicalEvent {
  const { event: e, visitor, request, now, pageUrl } = i;
  const server = i.source === "server";
  const time = parseTime(e.time) ?? now;
  const timeStatus = timeStatusOf(time, now, i.toleranceMs);

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
  if (server) {
    // A backend may pass what the browser sent earlier; only Meta's own formats are kept.
    if (click_ids.fbp !== undefined && !isMetaCookie(click_ids.fbp)) delete click_ids.fbp;
    if (click_ids.fbc !== undefined && !isMetaCookie(click_ids.fbc)) delete click_ids.fbc;
    // An fbclid alone becomes Meta's fbc (fb.1.<ms>.<fbclid>), timed at the event: the click came no later.
    if (!click_ids.fbc && click_ids.fbclid && CLICK_VALUE.test(click_ids.fbclid)) click_ids.fbc = newFbc(time, click_ids.fbclid);
  }
  // A server request has no browser: it never gets a made-up fbp/fbc, anonymous id or session (only what it sent).
  if (!server && visitor.fbc) click_ids.fbc ??= visitor.fbc;
  if (!server && visitor.fbp) click_ids.fbp ??= visitor.fbp;

  const ctx = e.context;
  const canonical: CanonicalEvent = {
    event_id: isValidClientId(e.event_id) && !hasPii(e.event_id) ? e.event_id : uuidv7(now),
    name: e.name,
    time: new Date(time).toISOString(),
    received_at: new Date(now).toISOString(),
    source: i.source,
    // An event whose own consent denies analytics carries no visitor id, even if the batch's latest call allowed it.
    // Emails and phone numbers outside the traits are scrubbed here, before any destination (./scrub.ts).
    anonymous_id: server ? idWithoutPii(e.anonymous_id ?? null) : i.consent.analytics ? visitor.anonymous_id : null,
    session_id: server ? idWithoutPii(e.session_id ?? null) : i.consent.analytics ? visitor.session_id : null,
    user_id: idWithoutPii(e.user_id ?? null),
    properties: scrubProperties(e.properties ?? {}, i.keepProperties),
    value: i.plan.value,
    currency: i.plan.currency,
    value_kind: i.plan.value_kind,
    page: {
      url: pageUrl ? scrubUrl(pageUrl.href) : null,
      path: scrubNullable(e.page?.path ?? (pageUrl ? pageUrl.pathname : null), scrubPath),
      title: scrubNullable(e.page?.title ?? null, scrubText),
      referrer: scrubNullable(e.page?.referrer || null, scrubUrl),
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
  if (timeStatus) canonical.time_status = timeStatus;
  if (i.userIdVerified !== undefined) canonical.user_id_verified = i.userIdVerified;
  if (i.plan.violations.length) canonical.violations = i.plan.violations;
  return canonical;
}
