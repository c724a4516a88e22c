/** The `[ledger]` config section: how long every event's fate is kept and how many objects hold one day. */
import { z } from "zod";

export const LedgerConfig = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Record every event × destination outcome (P/inspector, P/admin/counts, P/admin/reconcile)"),
    events: z
      .enum(["all", "conversions"])
      .default("all")
      .describe(
        "Which events the ledger records: all, or only conversions (events with a dedupe key or conversion = true), which keeps page views at no row written (docs/scale.md)",
      ),
    retention_days: z.int().min(1).max(400).default(30).describe("Days a day's ledger is kept before its objects delete themselves"),
    shards: z
      .int()
      .min(1)
      .max(256)
      .default(4)
      .describe("Durable Objects one day of the ledger is spread over (by hash of event_id); change it only between days"),
  })
  .default({ enabled: true, events: "all", retention_days: 30, shards: 4 })
  .describe("The delivery ledger (docs/ledger.md)");
export type LedgerConfig = z.infer<typeof LedgerConfig>;

/** Cloudflare Access in front of the inspector and admin endpoints: its signed JWT counts as the admin token. */
export const AccessConfig = z
  .strictObject({
    certs_url: z.url().describe("The team's signing keys, https://<team>.cloudflareaccess.com/cdn-cgi/access/certs"),
    audience: z.string().min(1).describe("The Access application's AUD tag"),
    issuer: z.url().optional().describe("Expected iss (https://<team>.cloudflareaccess.com); default: the origin of certs_url"),
  })
  .describe("Accept a verified Cloudflare Access JWT (Cf-Access-Jwt-Assertion) in place of the admin bearer token");
export type AccessConfig = z.infer<typeof AccessConfig>;
