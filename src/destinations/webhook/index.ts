/**
 * Generic signed webhook: POSTs canonical events as JSON to a URL of yours. The body is
 * `{"events":[…]}`; `Tagwire-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` lets the
 * receiver check origin and freshness. User traits follow the `pii` policy. Receivers dedupe on each event's
 * `event_id`; `Idempotency-Key` names the exact set of events a request carries, and a retry resends the same
 * set under the same key (docs/destinations-webhook.md).
 */
import { z } from "zod";
import type { CanonicalEvent, UserTraits } from "../../event/canonical.ts";
import { hashNormalized, hmacSha256Hex, sha256Hex } from "../../identity/hash.ts";
import { normalizeEmail, normalizePhone } from "../../identity/normalize.ts";
import type { BuildContext, DestinationDefinition } from "../types.ts";

/** Version of the webhook body; receivers can branch on the `Tagwire-Version` header. */
export const WEBHOOK_VERSION = "2026-11-01";

export const WebhookSettings = z.object({
  url: z.url().describe("Where to POST the events"),
  secret: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, "a secret name in UPPER_SNAKE_CASE")
    .describe("Name of the Worker secret used to sign the body"),
  pii: z
    .enum(["raw", "hashed", "drop"])
    .default("hashed")
    .describe("User traits as given, as SHA-256 of their normalized form, or left out"),
  max_batch: z.int().min(1).max(100).default(50),
});
export type WebhookSettings = z.infer<typeof WebhookSettings>;

async function hashTraits(user: UserTraits, country: string | null): Promise<UserTraits> {
  const out: UserTraits = {};
  for (const [k, v] of Object.entries(user) as [keyof UserTraits, string][]) {
    const normalized =
      k === "email" ? normalizeEmail(v) : k === "phone" ? normalizePhone(v, "digits", country) : v.trim().toLowerCase();
    if (normalized) out[k] = await hashNormalized(normalized);
  }
  return out;
}

async function applyPii(e: CanonicalEvent, pii: WebhookSettings["pii"]): Promise<CanonicalEvent> {
  if (pii === "raw") return e;
  return { ...e, user: pii === "drop" ? {} : await hashTraits(e.user, e.context.geo.country) };
}

/** One event: its event_id. Several: SHA-256 of their sorted event_ids, so the same set always gets the same key. */
export async function idempotencyKey(ids: readonly string[]): Promise<string> {
  return ids.length === 1 ? ids[0]! : sha256Hex([...ids].sort().join(","));
}

/**
 * Requests' events: events a failed request carried go together again (so its retry has the same key), then
 * the fresh ones in batches of max_batch.
 */
function chunks(events: readonly CanonicalEvent[], ctx: BuildContext<WebhookSettings>): CanonicalEvent[][] {
  const size = ctx.settings.max_batch;
  const grouped = new Map<string, CanonicalEvent[]>();
  const fresh: CanonicalEvent[] = [];
  for (const e of events) {
    const g = ctx.progress?.(e)?.group;
    if (g) grouped.set(g, [...(grouped.get(g) ?? []), e]);
    else fresh.push(e);
  }
  const out: CanonicalEvent[][] = [];
  for (const list of [...grouped.values(), fresh]) for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export const webhook: DestinationDefinition<WebhookSettings> = {
  type: "webhook",
  title: "Signed webhook",
  purpose: "analytics",
  adNetwork: false,
  settings: WebhookSettings,
  secretKeys: ["secret"],
  maxBatch: 100,
  freshnessHours: 72,
  defaultEventName: (name) => name,
  async build(events, ctx: BuildContext<WebhookSettings>) {
    const out = [];
    for (const chunk of chunks(events, ctx)) {
      const body = JSON.stringify({ events: await Promise.all(chunk.map((e) => applyPii(e, ctx.settings.pii))) });
      const t = Math.floor(ctx.now() / 1000);
      // Delivery never sends without the secret; only a dry run (no credentials) gets here without one.
      const secret = ctx.secrets.secret;
      const ids = chunk.map((e) => e.event_id);
      const key = await idempotencyKey(ids);
      out.push({
        event_ids: ids,
        group: key,
        request: {
          method: "POST" as const,
          url: ctx.endpoint ?? ctx.settings.url,
          headers: {
            "content-type": "application/json",
            "tagwire-version": WEBHOOK_VERSION,
            "tagwire-signature": secret ? `t=${t},v1=${await hmacSha256Hex(secret, `${t}.${body}`)}` : `t=${t},v1=unsigned`,
            "idempotency-key": key,
          },
          body,
        },
      });
    }
    return { requests: out, skipped: [] };
  },
};
