/**
 * The closed set of outcomes a delivery attempt can have, and a vendor's answer as delivery hands it to an
 * adapter. Below both delivery and the adapters, so each takes them from here.
 */

export type OutcomeKind = "ok" | "retry" | "drop" | "auth";

export interface Outcome {
  kind: OutcomeKind;
  status: number;
  /** Seconds to wait before retrying, from Retry-After or the vendor's own hint. */
  retryAfter?: number;
  /** Short summary of the vendor's answer (error body, trace id), never a secret. */
  detail?: string;
  /** Per-event outcomes when the vendor reports rows separately (Google Ads partial failure). */
  perEvent?: Record<string, Outcome>;
}

export interface VendorResponse {
  status: number;
  headers: Headers;
  body: string;
}
