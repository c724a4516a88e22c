/**
 * The `[capture]` config section: whether an operator may switch on a time-boxed capture of full payloads in
 * production (the raw request, cookies Tagwire reads, each built request with secrets redacted and the vendor's
 * answer), for how long at most, and how long captured entries are kept. Captured payloads carry raw emails
 * (CRM requests), so a capture always ends by itself and its entries delete themselves (docs/ledger.md).
 */
import { z } from "zod";

export const CaptureConfig = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Allow operators to switch on a capture (P/admin/capture, the inspector, npm run capture); false refuses it"),
    max_minutes: z.int().min(1).max(1440).default(60).describe("The longest one capture may run; it stops by itself"),
    keep_hours: z
      .int()
      .min(1)
      .max(168)
      .default(24)
      .describe("Hours a captured entry (and, outside debug, what a dry_run destination would have been sent) is kept before it is deleted"),
  })
  .default({ enabled: true, max_minutes: 60, keep_hours: 24 })
  .describe("Time-boxed capture of full payloads in production (docs/ledger.md)");
export type CaptureConfig = z.infer<typeof CaptureConfig>;
