/**
 * The zod schema of the whole Tagwire config (tagwire.config.toml, or the `TAGWIRE_CONFIG` var). Types derive from it, and
 * `.describe()` texts feed the README and the committed JSON Schema for editors.
 */
import { z } from "zod";
import { DESTINATIONS } from "../destinations/registry.ts";
import { EVENT_NAME, blockedPrefixWord } from "./lints.ts";
import { Rules, checkRuleReferences } from "../rules/schema.ts";
import { AccessConfig, LedgerConfig } from "../ledger/settings.ts";

const eventName = z
  .string()
  .regex(EVENT_NAME, "event names are snake_case with two or more words, e.g. purchase_completed");

export const SecretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, "a secret name in UPPER_SNAKE_CASE (set it with `wrangler secret put NAME`)")
  .describe("Name of a Worker secret (wrangler secret put NAME; .dev.vars locally). Never the value itself.");

export const PropertyRule = z
  .strictObject({
    type: z.enum(["string", "number", "integer", "boolean", "array", "object"]).describe("JSON type of the property"),
    required: z.boolean().default(false).describe("Reject the event when the property is missing"),
    enum: z.array(z.union([z.string(), z.number()])).optional().describe("Allowed values"),
    min: z.number().optional().describe("Smallest allowed number"),
    max: z.number().optional().describe("Largest allowed number"),
    min_length: z.int().nonnegative().optional().describe("Shortest allowed string or array"),
    max_length: z.int().nonnegative().optional().describe("Longest allowed string or array"),
    pattern: z.string().optional().describe("Regular expression a string must match"),
    description: z.string().optional(),
  })
  .describe("A property of an event in the tracking plan");
export type PropertyRule = z.infer<typeof PropertyRule>;

export const ValueRule = z
  .union([
    z.strictObject({ from: z.string().describe("Property that holds the actual conversion value") }),
    z.strictObject({ fixed: z.number().nonnegative().describe("A fixed value for every occurrence") }),
    z.strictObject({
      estimated: z.strictObject({
        close_rate: z.number().gt(0).lte(1).describe("Share of these events that become revenue"),
        average_deal_size: z.number().positive().describe("Average revenue of one closed deal"),
      }),
    }),
  ])
  .describe("How the conversion value is set: from a property, a fixed amount, or close rate × average deal size");
export type ValueRule = z.infer<typeof ValueRule>;

export const EventPlan = z
  .strictObject({
    description: z.string().min(1).describe("What this event means, in one sentence"),
    owner: z.string().min(1).describe("Team or person who owns this event"),
    properties: z.record(z.string(), PropertyRule).default({}),
    additional_properties: z
      .boolean()
      .default(true)
      .describe("Accept properties the plan does not list (false rejects them)"),
    value: ValueRule.optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD").optional(),
    dedupe: z
      .strictObject({
        key: z.string().min(1).describe("Property whose value identifies one real action across sources (order_id)"),
        window_hours: z.number().positive().optional().describe("How long that key dedupes (default: dedupe.window_hours)"),
        merge_seconds: z
          .number()
          .nonnegative()
          .max(3_600)
          .optional()
          .describe("How long the first copy waits for others to merge with (default: dedupe.merge_seconds)"),
      })
      .optional(),
    destinations: z
      .record(z.string(), z.union([z.string().min(1), z.literal(false)]))
      .default({})
      .describe("Destination id → the name that destination knows this event by (false: never send it there)"),
    conversion: z
      .boolean()
      .default(false)
      .describe("A conversion: deduped exactly (in Durable Objects) and its copies merged, like events with a dedupe key"),
  })
  .describe("One event of the tracking plan");
export type EventPlan = z.infer<typeof EventPlan>;

const hours = z.number().positive();

/** Keys every destination block has, whatever its type. */
export const destinationCommon = {
  enabled: z.boolean().default(true),
  mode: z
    .enum(["live", "dry_run", "test"])
    .default("live")
    .describe("live sends; dry_run records the request instead; test uses the vendor's test mode"),
  purpose: z
    .enum(["analytics", "ads", "none"])
    .optional()
    .describe("Consent purpose this destination needs (default: the destination type's own)"),
  ip: z.enum(["keep", "truncate", "drop"]).default("keep").describe("What this destination gets of the client IP"),
  endpoint: z
    .url()
    .optional()
    .describe("Base URL instead of the vendor's host (regional hosts, local test doubles)"),
  events: z
    .record(z.string(), z.string().min(1))
    .default({})
    .describe("Canonical event name → vendor event name, for events the plan does not map"),
  only_events: z.array(z.string()).optional().describe("Send only these canonical events"),
  freshness_hours: hours.optional().describe("Stop retrying an event this long after it happened"),
  forward_bots: z.boolean().default(false).describe("Send events marked as bots too"),
};

const destinationSchemas = DESTINATIONS.map((d) =>
  z.strictObject({ type: z.literal(d.type), ...destinationCommon, ...d.settings.shape }),
);
const DestinationCommon = z.object(destinationCommon);
/** A destination block: the common keys, its type, and that type's own settings. */
export type DestinationConfig = z.infer<typeof DestinationCommon> & { type: string } & Record<string, unknown>;
export const DestinationConfig = z.discriminatedUnion(
  "type",
  destinationSchemas as unknown as [(typeof destinationSchemas)[number], ...(typeof destinationSchemas)[number][]],
) as unknown as z.ZodType<DestinationConfig, unknown>;

export const ConsentConfig = z
  .strictObject({
    default: z
      .strictObject({
        analytics: z.boolean().default(true),
        ads: z.boolean().default(true),
      })
      .default({ analytics: true, ads: true })
      .describe("Consent assumed where no regional rule applies and the SDK said nothing"),
    deny_regions: z
      .array(z.string().regex(/^([A-Z]{2}|EEA)$/, "a country code such as DE, or EEA"))
      .default(["EEA", "GB", "CH"])
      .describe("Countries (cf.country) where everything is denied until the visitor consents; EEA expands to its members"),
    honor_gpc: z.boolean().default(true).describe("Sec-GPC: 1 denies ads (sale/share)"),
  })
  .default({ default: { analytics: true, ads: true }, deny_regions: ["EEA", "GB", "CH"], honor_gpc: true });

export const CookieConfig = z
  .strictObject({
    domain: z
      .string()
      .regex(/^\.?[a-z0-9.-]+$/i, "a host name such as shop.example.com")
      .optional()
      .describe("Cookie Domain (the registrable domain, so every subdomain shares the id); host-only when absent"),
    id_name: z.string().default("tw_id"),
    session_name: z.string().default("tw_sid"),
    clicks_name: z.string().default("tw_clk"),
    max_age_days: z.number().positive().max(400).default(400),
    session_minutes: z.number().positive().default(30),
  })
  .default({ id_name: "tw_id", session_name: "tw_sid", clicks_name: "tw_clk", max_age_days: 400, session_minutes: 30 });

export const Config = z
  .strictObject({
    version: z.string().default("dev").describe("Your config's version, shown by /health"),
    prefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9_-]+)*$/, "empty, or a path such as /k7q")
      .refine((p) => blockedPrefixWord(p) === undefined, {
        error: (iss) => `must not contain "${blockedPrefixWord(String(iss.input))}", a word ad blockers match`,
      })
      .describe("Path prefix P of every public route"),
    allowed_origins: z
      .array(z.string().regex(/^https?:\/\/[^/]+$/, "an origin such as https://shop.example.com"))
      .default([])
      .describe("Origins allowed to send browser events (exact match)"),
    cookies: CookieConfig,
    consent: ConsentConfig,
    plan: z
      .strictObject({
        unknown_events: z.enum(["reject", "flag", "drop"]).default("flag"),
        default_currency: z.string().regex(/^[A-Z]{3}$/).default("USD"),
        events: z.record(eventName, EventPlan).default({}),
      })
      .default({ unknown_events: "flag", default_currency: "USD", events: {} }),
    time_tolerance_hours: z
      .number()
      .positive()
      .default(48)
      .describe("Client event times are clamped to received_at ± this"),
    dedupe: z
      .strictObject({
        window_hours: hours.default(48).describe("How long an event_id or business key dedupes"),
        double_fire_seconds: z.number().nonnegative().default(2).describe("Identical events of one visitor within this collapse"),
        shards: z.int().min(1).max(1024).default(16).describe("Durable Objects the exact dedupe keys are spread over"),
        exact: z
          .enum(["conversions", "all"])
          .default("conversions")
          .describe(
            "Which events are deduped exactly in Durable Objects: conversions (events with a dedupe key or conversion = true) or all; the others are deduped per batch and per isolate, and by each vendor's event_id",
          ),
        merge_seconds: z
          .number()
          .nonnegative()
          .max(3_600)
          .default(30)
          .describe("How long the first copy of a conversion waits for other copies (browser and backend) to merge with; 0 sends at once"),
      })
      .default({ window_hours: 48, double_fire_seconds: 2, shards: 16, exact: "conversions", merge_seconds: 30 }),
    destinations: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, "lowercase letters, digits, _"), DestinationConfig).default({}),
    rules: Rules,
    sources: z
      .record(z.string(), z.strictObject({ secret: SecretName }))
      .default({})
      .describe("Server-to-server sources and the secret each signs with"),
    admin: z
      .strictObject({ token_secret: SecretName.default("TAGWIRE_ADMIN_TOKEN"), access: AccessConfig.optional() })
      .default({ token_secret: "TAGWIRE_ADMIN_TOKEN" }),
    ledger: LedgerConfig,
    debug: z
      .boolean()
      .default(false)
      .describe("Expose P/debug/* (recent events and recorded dry-run requests). Development only."),
  })
  .superRefine((cfg, ctx) => {
    checkRuleReferences(cfg.rules, cfg.destinations, (path, message) =>
      ctx.addIssue({ code: "custom", path: ["rules", ...path], message }),
    );
    for (const [name, plan] of Object.entries(cfg.plan.events)) {
      for (const dest of Object.keys(plan.destinations)) {
        if (!(dest in cfg.destinations)) {
          ctx.addIssue({
            code: "custom",
            path: ["plan", "events", name, "destinations", dest],
            message: `no destination "${dest}" is configured (known: ${Object.keys(cfg.destinations).join(", ") || "none"})`,
          });
        }
      }
      if (plan.value && "from" in plan.value && plan.properties[plan.value.from] === undefined && !plan.additional_properties) {
        ctx.addIssue({
          code: "custom",
          path: ["plan", "events", name, "value", "from"],
          message: `property "${plan.value.from}" is not in this event's properties`,
        });
      }
      if (plan.dedupe && Object.keys(plan.properties).length > 0 && plan.properties[plan.dedupe.key] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["plan", "events", name, "dedupe", "key"],
          message: `property "${plan.dedupe.key}" is not in this event's properties`,
        });
      }
    }
  });

export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
