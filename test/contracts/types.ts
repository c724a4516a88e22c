/** A contract case: input events + destination settings + fixed clock → the exact outbound requests. */
import type { CanonicalEvent } from "../../src/event/canonical.ts";

export interface ExpectedRequest {
  method: string;
  url: string;
  /** Headers that must be present with exactly these values (others are allowed). */
  headers?: Record<string, string>;
  /** JSON bodies are compared parsed; a string is compared byte for byte (form bodies). */
  body?: unknown;
}

export interface ContractCase {
  name: string;
  events: CanonicalEvent[];
  /** Overrides of the module's settings for this case. */
  settings?: Record<string, unknown>;
  /** Canonical name → vendor name, as a tracking plan would map it. */
  plan?: Record<string, string>;
  /** Routing rules (`[[rules]]`) the case runs with; the destination id is `dest`. */
  rules?: unknown[];
  /** The vendor's answer to each request (default 200 "{}"). */
  responses?: { status: number; body?: string; headers?: Record<string, string> }[];
  expect: {
    requests: ExpectedRequest[];
    /** Events skipped, with a substring of the reason. */
    skipped?: { event_id: string; reason: string }[];
    /** Outcome kind per event id, when the case checks classification. */
    outcomes?: Record<string, string>;
  };
}

export interface ContractModule {
  /** Destination type (registry key). */
  type: string;
  /** A valid destination block for this type, minus `type` (mode defaults to live; a case may set "test"). */
  settings: Record<string, unknown>;
  /** Secret NAME → value, for the names the settings reference. */
  secrets: Record<string, string>;
  /** Canonical name → vendor name used by the shared behavioural suite (the purchase must be mapped). */
  plan: Record<string, string>;
  /** Access token the runner hands to destinations with an OAuth exchange. */
  accessToken?: string;
  cases: ContractCase[];
}
