/** The `[archive]` config section: accepted events kept in R2 for backfills (docs/archive.md). */
import { z } from "zod";

const SecretName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "a secret name in UPPER_SNAKE_CASE (set it with `wrangler secret put NAME`)");

export const ARCHIVE_DEFAULTS = { enabled: true, retention_days: 90, key_secret: "TAGWIRE_ARCHIVE_KEY" };

export const ArchiveConfig = z
  .strictObject({
    enabled: z
      .boolean()
      .default(ARCHIVE_DEFAULTS.enabled)
      .describe("Archive accepted events in the ARCHIVE R2 bucket (when the binding and the key secret are set)"),
    retention_days: z
      .int()
      .min(1)
      .max(3650)
      .default(ARCHIVE_DEFAULTS.retention_days)
      .describe("Hours older than this are deleted (by the consumer, and by the bucket's lifecycle rule if you add one)"),
    key_secret: SecretName.default(ARCHIVE_DEFAULTS.key_secret).describe(
      "Worker secret archived events are encrypted with (AES-256-GCM); any long random string (openssl rand -base64 32)",
    ),
    previous_key_secret: SecretName.optional().describe("While rotating: the secret of the previous key, still used to read older archive objects"),
  })
  .default(ARCHIVE_DEFAULTS)
  .describe("The event archive in R2 that backfills read (docs/archive.md)");
export type ArchiveConfig = z.infer<typeof ArchiveConfig>;
