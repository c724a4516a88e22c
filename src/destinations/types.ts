/**
 * The contract every destination adapter implements. An adapter maps canonical events to outbound request
 * descriptions and reads vendor responses; it never sends. Delivery (src/delivery) alone sends, retries and
 * records outcomes, so every adapter can be tested as data.
 */
import type { z } from "zod";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { Outcome, VendorResponse } from "../outcome/outcome.ts";
import type { TriggeredAction } from "../rules/route.ts";

/** Routing rules define the actions they trigger; adapters take them as they are. */
export type { TriggeredAction };

export type Purpose = "analytics" | "ads" | "none";
export type Mode = "live" | "dry_run" | "test";

/** One HTTP request an adapter wants sent. Bodies are strings so they are recorded and signed exactly. */
export interface OutboundRequest {
  method: "POST" | "GET" | "PUT" | "PATCH";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A request plus the events it carries, so delivery can track each event × destination outcome. */
export interface BuiltRequest {
  request: OutboundRequest;
  event_ids: string[];
  /**
   * Which part of each event's delivery this request is ("contact", "task:hot_lead", "event"; default "send").
   * Stable across retries: delivery remembers the steps that succeeded per event and skips them on a retry, so a
   * non-idempotent write (a task, a form post) is not repeated because a later step failed.
   */
  step?: string;
  /**
   * The Idempotency-Key this request was sent with, when it has one: carried into retries (`Progress.group`) so
   * the adapter can resend the same events together under the same key.
   */
  group?: string;
  /**
   * Requests that depend on this one's answer (a HubSpot task associated with the contact id the upsert
   * returned). Pure; delivery calls it only after a 2xx and sends what it returns.
   */
  next?(response: VendorResponse): BuiltRequest[];
}

export interface Skip {
  event_id: string;
  reason: string;
}

export interface BuildResult {
  requests: BuiltRequest[];
  skipped: Skip[];
}

/** What an adapter gets: its parsed settings, its secrets, the clock, its mode. Never `env`. */
export interface BuildContext<S> {
  destination: string;
  settings: S;
  /** Secret values keyed by the settings key that named them (`secrets.api_secret`). */
  secrets: Record<string, string | undefined>;
  mode: Mode;
  /** The vendor event name for this event (from the plan, the destination's `events` map or its default). */
  eventName(event: CanonicalEvent): string | undefined;
  now: () => number;
  /** Base URL to use instead of the vendor's host (regional hosts, test doubles). */
  endpoint: string | undefined;
  /** An OAuth access token when the destination declares `auth` (delivery obtains and caches it). */
  accessToken?: string;
  /** Actions routing rules trigger on this destination for this event (evaluated centrally). */
  actions?(event: CanonicalEvent): TriggeredAction[];
  /** What earlier attempts achieved for this event here (steps done, the group it was sent in); none on a first try. */
  progress?(event: CanonicalEvent): Progress | undefined;
}

/**
 * One event's delivery state at one destination, carried from an attempt into its retry (and into a dead letter
 * and its replay) so only what failed is sent again. Plain JSON: it travels in queue messages.
 */
export interface Progress {
  /** Steps (`BuiltRequest.step`) that succeeded, with everything that followed from them. */
  done?: string[];
  /** The Idempotency-Key of the request that last carried the event (webhook). */
  group?: string;
}


export type { Outcome, OutcomeKind, VendorResponse } from "../outcome/outcome.ts";

export interface TokenExchange {
  request(settings: unknown, secrets: Record<string, string | undefined>, endpoint: string | undefined): OutboundRequest;
  /** Reads the token and its lifetime in seconds from the token endpoint's answer. */
  parse(body: string): { token: string; expiresIn: number };
  /** Whether these settings need a token at all (Salesforce Web-to-Lead does not); default yes. */
  needed?(settings: unknown): boolean;
}

export interface DestinationDefinition<S = any> {
  type: string;
  title: string;
  /** The consent purpose this kind of destination needs unless its config says otherwise. */
  purpose: Purpose;
  /** Ad networks never receive raw PII, and only get user data when `ad_user_data` consent allows. */
  adNetwork: boolean;
  /** Type-specific settings; the common keys (mode, endpoint, ip, events, …) are added by the config schema. */
  settings: z.ZodObject<any>;
  /** Settings keys whose values are names of Worker secrets. */
  secretKeys: readonly string[];
  /** Rules across this type's settings (zod's shape cannot carry them): problems with the key they concern. */
  checkSettings?(settings: S): { path: string; message: string }[];
  /** Most events one request may carry. */
  maxBatch: number;
  /** How long after the event the vendor still accepts it, in hours; retries stop there. */
  freshnessHours: number;
  /** Vendor name for a canonical event when neither plan nor config maps it; undefined = not sent. */
  defaultEventName?(name: string): string | undefined;
  build(events: readonly CanonicalEvent[], ctx: BuildContext<S>): Promise<BuildResult>;
  /** Reads the vendor's answer; when absent the HTTP status alone decides. */
  interpret?(response: VendorResponse, built: BuiltRequest): Outcome;
  auth?: TokenExchange;
  /** Actions routing rules may trigger here (`then = { destination, action, ... }`), with their parameters. */
  actions?: Record<string, z.ZodType<Record<string, unknown>>>;
  /** Most requests per window the vendor allows; delivery paces to stay within it (src/delivery/pacing.ts). */
  rateLimit?: { requests: number; perSeconds: number };
}
