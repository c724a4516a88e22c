/**
 * The zod schema of the whole Tagwire config (the `TAGWIRE_CONFIG` var). Types derive from it, and
 * `.describe()` texts feed the README and the committed JSON Schema for editors.
 */
import { z } from "zod";
import { DESTINATIONS } from "../destinations/registry.ts";
import { EVENT_NAME, blockedPrefixWord } from "./lints.ts";
import { Rules, checkRuleReferences } from "../rules/schema.ts";
import { ISO_4217 } from "../pipeline/currencies.ts";

const currencyCode = z.string().refine((c) => ISO_4217.has(c), "an ISO 4217 code such as USD");

export const DEFAULT_MAX_VALUE = 1_000_000;

const overMaxValue = z
  .enum(["reject", "flag"])
  .describe("What happens to an event over its value ceiling: reject it (400), or flag it (kept from ad networks)");

/** The Rate Limiting bindings this Worker ships (wrangler.toml) and their periods in seconds. */
export const SHIPPED_RATE_LIMITS: Readonly<Record<string, 10 | 60>> = {
  RATE_LIMIT_BROWSER: 10,
  RATE_LIMIT_PIXEL: 10,
  RATE_LIMIT_CONVERSIONS: 60,
};

const bindingName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "a binding name in UPPER_SNAKE_CASE, declared in wrangler.toml [[ratelimits]]");
const limiterRef = z
  .union([bindingName, z.literal(false)])
  .describe("Name of a [[ratelimits]] binding, or false for no limit");

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
    currency: currencyCode.optional(),
    max_value: z.number().positive().optional().describe("Value ceiling for this event (default: plan.max_value)"),
    over_max_value: overMaxValue.optional(),
    dedupe: z
      .strictObject({
        key: z.string().min(1).describe("Property whose value identifies one real action across sources (order_id)"),
        window_hours: z.number().positive().optional().describe("How long that key dedupes (default: dedupe.window_hours)"),
      })
      .optional(),
    destinations: z
      .record(z.string(), z.union([z.string().min(1), z.literal(false)]))
      .default({})
      .describe("Destination id → the name that destination knows this event by (false: never send it there)"),
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
        default_currency: currencyCode.default("USD"),
        max_value: z
          .number()
          .positive()
          .default(DEFAULT_MAX_VALUE)
          .describe("Largest conversion value (and item price) accepted, in the event's currency"),
        over_max_value: overMaxValue.default("reject"),
        flagged_to_ad_networks: z
          .boolean()
          .default(false)
          .describe("Send flagged events (unknown names, rule violations) to ad networks too"),
        events: z.record(eventName, EventPlan).default({}),
      })
      .default({
        unknown_events: "flag",
        default_currency: "USD",
        max_value: DEFAULT_MAX_VALUE,
        over_max_value: "reject",
        flagged_to_ad_networks: false,
        events: {},
      }),
    rate_limits: z
      .strictObject({
        browser: limiterRef.default("RATE_LIMIT_BROWSER").describe("Limiter for each POST P/e request"),
        pixel: limiterRef.default("RATE_LIMIT_PIXEL").describe("Limiter for each GET P/p.gif request"),
        conversions: limiterRef
          .default("RATE_LIMIT_CONVERSIONS")
          .describe("Limiter for each event whose plan sets a value (a conversion), on P/e and the pixel"),
        events: z
          .record(eventName, limiterRef)
          .default({})
          .describe("Event name → limiter (or false) instead of the conversions rule"),
        periods: z
          .record(bindingName, z.union([z.literal(10), z.literal(60)]))
          .default({})
          .describe("Period (10 or 60 s, as in wrangler.toml) of each limiter you add; sent as Retry-After"),
      })
      .default({ browser: "RATE_LIMIT_BROWSER", pixel: "RATE_LIMIT_PIXEL", conversions: "RATE_LIMIT_CONVERSIONS", events: {}, periods: {} })
      .describe("Per-client request limits on the browser routes (Cloudflare Rate Limiting bindings), keyed by IP and Origin"),
    identity: z
      .strictObject({
        verify_user_id: z
          .boolean()
          .default(false)
          .describe("Trust a browser's user_id only with user_id_signature = HMAC-SHA256(secret, user_id) from your backend"),
        secret: SecretName.default("TAGWIRE_USER_ID_SECRET"),
      })
      .default({ verify_user_id: false, secret: "TAGWIRE_USER_ID_SECRET" }),
    privacy: z
      .strictObject({
        keep_properties: z
          .array(z.string())
          .default([])
          .describe("Properties whose values are not scrubbed of emails and phone numbers (they are still checked as JSON)"),
      })
      .default({ keep_properties: [] }),
    time_tolerance_hours: z
      .number()
      .positive()
      .default(48)
      .describe("Client times further than this from received_at are kept but marked late or clock_skewed"),
    dedupe: z
      .strictObject({
        window_hours: hours.default(48),
        double_fire_seconds: z.number().nonnegative().default(2),
        shards: z.int().min(1).max(1024).default(16),
      })
      .default({ window_hours: 48, double_fire_seconds: 2, shards: 16 }),
    destinations: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, "lowercase letters, digits, _"), DestinationConfig).default({}),
    rules: Rules,
    sources: z
      .record(z.string(), z.strictObject({ secret: SecretName }))
      .default({})
      .describe("Server-to-server sources and the secret each signs with"),
    admin: z
      .strictObject({ token_secret: SecretName.default("TAGWIRE_ADMIN_TOKEN") })
      .default({ token_secret: "TAGWIRE_ADMIN_TOKEN" }),
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
