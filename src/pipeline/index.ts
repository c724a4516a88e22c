/**
 * The ingest pipeline: validate → tracking plan → enrich → identity → consent → canonical event. Pure apart
 * from the clock and random ids; the routes own transport and the hand-off to delivery.
 */
import type { Config } from "../config/schema.ts";
import type { CanonicalEvent, Consent, EventSource } from "../event/canonical.ts";
import { resolveConsent } from "../consent/resolve.ts";
import { clickIdsFromUrl } from "../identity/clickIds.ts";
import { hmacSha256HexSync, sameHex } from "../identity/hmacSync.ts";
import { resolveVisitor } from "../identity/visitor.ts";
import { canonicalize, parsePageUrl, parseTime } from "./canonicalize.ts";
import { requestContext, type RequestContext } from "./enrich.ts";
import { validateIncoming, type FieldError, type IncomingEvent } from "./incoming.ts";
import { applyPlan, type PlanOutcome } from "./plan.ts";

export interface Rejected {
  index: number;
  errors: FieldError[];
}

export interface PipelineResult {
  events: CanonicalEvent[];
  rejected: Rejected[];
  dropped: { index: number; reason: string }[];
  setCookies: string[];
}

export interface PipelineInput {
  cfg: Config;
  items: readonly unknown[];
  /** Whether the items came as `{"batch": [...]}`: paths are then prefixed with `batch[i]`. */
  batch: boolean;
  source: EventSource;
  request: Request;
  now: number;
  /** Page URL to use when an event has none (the pixel's Referer). */
  fallbackUrl?: string | null;
  /** Reads a Worker secret by name (the user-id signing secret); without it no browser user_id is verified. */
  secret?: (name: string) => string | undefined;
}

/**
 * Whether a user_id may be trusted, when identity.verify_user_id is on: a signed server request always is;
 * a browser's only with user_id_signature = HMAC-SHA256(secret, user_id). Undefined when the check is off.
 */
function userIdVerified(input: PipelineInput, e: IncomingEvent): boolean | undefined {
  const { cfg } = input;
  if (!cfg.identity.verify_user_id || e.user_id === undefined) return undefined;
  if (input.source === "server") return true;
  const secret = input.secret?.(cfg.identity.secret);
  const sig = e.user_id_signature;
  if (!secret || !sig || !/^[0-9a-fA-F]{64}$/.test(sig)) return false;
  return sameHex(sig.toLowerCase(), hmacSha256HexSync(secret, e.user_id));
}

interface Accepted {
  index: number;
  event: IncomingEvent;
  plan: Extract<PlanOutcome, { kind: "accept" }>;
  consent: Consent;
  pageUrl: URL | null;
}

export function runPipeline(input: PipelineInput): PipelineResult {
  const { cfg, items, now } = input;
  const rejected: Rejected[] = [];
  const dropped: { index: number; reason: string }[] = [];
  const accepted: Accepted[] = [];
  const request: RequestContext = requestContext(input.request);
  const gpc = input.request.headers.get("sec-gpc") === "1";
  const server = input.source === "server";

  items.forEach((raw, index) => {
    const prefix = input.batch ? `batch[${index}]` : "";
    const v = validateIncoming(raw, prefix);
    if (!v.ok) return void rejected.push({ index, errors: v.errors });
    const e = v.event;
    if (e.time !== undefined && parseTime(e.time) === undefined) {
      return void rejected.push({
        index,
        errors: [{ path: prefix ? `${prefix}.time` : "time", message: "expected ISO 8601 or Unix milliseconds, between 2000 and 2100" }],
      });
    }
    const plan = applyPlan(cfg, e.name, e.properties ?? {}, prefix);
    if (plan.kind === "reject") return void rejected.push({ index, errors: plan.errors });
    if (plan.kind === "drop") return void dropped.push({ index, reason: plan.reason });
    const country = request.geo.country;
    const consent = resolveConsent(cfg.consent, country, e.consent, gpc);
    const pageUrl = parsePageUrl(e.page?.url ?? input.fallbackUrl ?? undefined);
    accepted.push({ index, event: e, plan, consent, pageUrl });
  });

  const last = accepted[accepted.length - 1];
  const cookieConsent = last?.consent ?? resolveConsent(cfg.consent, request.geo.country, undefined, gpc);
  const metaEnabled = Object.values(cfg.destinations).some((d) => d.type === "meta" && d.enabled);
  const visitor = resolveVisitor(cfg.cookies, {
    cookieHeader: server ? null : input.request.headers.get("cookie"),
    now,
    seenClicks: accepted.map((a) => clickIdsFromUrl(a.pageUrl?.searchParams ?? null)),
    consent: cookieConsent,
    metaEnabled,
    server,
  });

  const toleranceMs = cfg.time_tolerance_hours * 3_600_000;
  const events = accepted.map((a) =>
    canonicalize({
      event: a.event,
      plan: a.plan,
      source: input.source,
      now,
      toleranceMs,
      request,
      visitor,
      consent: a.consent,
      pageUrl: a.pageUrl,
      keepProperties: cfg.privacy.keep_properties,
      userIdVerified: userIdVerified(input, a.event),
    }),
  );
  // Cookies only when an event was taken: a refused request leaves the browser as it was.
  return { events, rejected, dropped, setCookies: server || events.length === 0 ? [] : visitor.setCookies };
}
