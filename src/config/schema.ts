/**
 * The zod schema of the whole Tagwire config (tagwire.config.toml, or the `TAGWIRE_CONFIG` var). Types derive from it, and
 * `.describe()` texts feed the README and the committed JSON Schema for editors.
 */
import { z } from "zod";
import { DESTINATIONS, definitionOf } from "../destinations/registry.ts";
import { EVENT_NAME, blockedPrefixWord } from "./lints.ts";
import { Rules, checkRuleReferences } from "../rules/schema.ts";
import { GtagConfig } from "./gtag.ts";
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
import { AccessConfig, LedgerConfig } from "../ledger/settings.ts";
import { AlertsConfig } from "../alerts/settings.ts";
import { CaptureConfig } from "../debug/settings.ts";
import { ArchiveConfig } from "../archive/settings.ts";

const eventName = z
  .string()
  .regex(EVENT_NAME, "event names are snake_case with two or more words, e.g. purchase_completed");

export const SecretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, "a secret name in UPPER_SNAKE_CASE (set it with `wrangler secret put NAME`)")
  .describe("Name of a Worker secret (wrangler secret put NAME; .dev.vars locally). Never the value itself.");

export const DEAD_LETTER_DEFAULTS = {
  key_secret: "TAGWIRE_DEAD_LETTER_KEY",
  retention_days: 30,
  shards: 8,
  max_rows_per_shard: 250_000,
};

export const DeadLetterSettings = z
  .strictObject({
    key_secret: SecretName.default(DEAD_LETTER_DEFAULTS.key_secret).describe(
      "Worker secret dead letters are encrypted with (AES-256-GCM); any long random string (openssl rand -base64 32)",
    ),
    previous_key_secret: SecretName.optional().describe("While rotating: the secret of the previous key, still used to read older dead letters"),
    retention_days: z.number().positive().max(3650).default(DEAD_LETTER_DEFAULTS.retention_days).describe("Dead letters are purged this long after they were stored"),
    shards: z
      .int()
      .min(1)
      .max(256)
      .default(DEAD_LETTER_DEFAULTS.shards)
      .describe("Durable Objects dead letters are spread over (raise it, never lower it: listing reads shards 0..shards-1)"),
    max_rows_per_shard: z
      .int()
      .min(1)
      .default(DEAD_LETTER_DEFAULTS.max_rows_per_shard)
      .describe("A full shard spills into the next; when all are full the queue keeps the events (back-pressure)"),
  })
  .describe("Where failed deliveries wait for replay: encrypted, sharded, purged after retention_days");
export type DeadLetterSettings = z.infer<typeof DeadLetterSettings>;

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

const cookieName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - (a cookie name)");

export const CookieConfig = z
  .strictObject({
    domain: z
      .string()
      .regex(/^\.?[a-z0-9.-]+$/i, "a host name such as shop.example.com")
      .optional()
      .describe("Cookie Domain (the registrable domain, so every subdomain shares the id); host-only when absent"),
    id_name: cookieName.default("tw_id").describe("Name of the first-party visitor id cookie"),
    session_name: cookieName.default("tw_sid").describe("Name of the session cookie"),
    clicks_name: cookieName.default("tw_clk").describe("Name of the stored click ids cookie"),
    renamed_from: z
      .strictObject({
        id_name: z.array(cookieName).optional(),
        session_name: z.array(cookieName).optional(),
        clicks_name: z.array(cookieName).optional(),
      })
      .default({})
      .describe("Earlier names of each cookie: still read (and then rewritten under the new name), so a rename resets no visitor"),
    max_age_days: z.number().positive().max(400).default(400),
    session_minutes: z.number().positive().default(30),
  })
  .default({ id_name: "tw_id", session_name: "tw_sid", clicks_name: "tw_clk", renamed_from: {}, max_age_days: 400, session_minutes: 30 });

const prefixPath = z
  .string()
  .regex(/^(\/[A-Za-z0-9_-]+)*$/, "empty, or a path such as /k7q")
  .refine((p) => blockedPrefixWord(p) === undefined, {
    error: (iss) => `must not contain "${blockedPrefixWord(String(iss.input))}", a word ad blockers match`,
  });

const routePath = z.string().regex(/^[A-Za-z0-9_-]+(\.[a-z0-9]+)?$/, "a path segment such as e or p.gif");
const routeName = routePath
  .refine((p) => blockedPrefixWord(p) === undefined, {
    error: (iss) => `must not contain "${blockedPrefixWord(String(iss.input))}", a word ad blockers match`,
  });

/** Paths under the prefix that are not renamable; a configured route name must not take one. */
export const FIXED_ROUTES = ["s2s", "health", "demo", "admin", "debug", "inspector"] as const;

export const RouteNames = z
  .strictObject({
    events: routeName.default("e").describe("POST P/<events>: browser events"),
    pixel: routeName.default("p.gif").describe("GET P/<pixel>: the pixel fallback"),
    sdk: routeName
      .refine((n) => /^[A-Za-z0-9_-]+\.js$/.test(n), "a file name ending in .js, such as s.js")
      .default("s.js")
      .describe("GET P/<sdk>: the browser SDK (its versioned copy is <name>.<hash>.js)"),
    renamed_from: z
      .strictObject({
        events: z.array(routePath).optional(),
        pixel: z.array(routePath).optional(),
        sdk: z.array(routePath).optional(),
      })
      .default({})
      .describe("Earlier route names, still served, so SDK copies cached in browsers keep sending after a rename"),
  })
  .default({ events: "e", pixel: "p.gif", sdk: "s.js", renamed_from: {} })
  .describe("Names of the public routes under the prefix (rename them when a filter list starts matching one)");
export type RouteNames = z.infer<typeof RouteNames>;

/** Click-id keys the identity graph keeps for server events, and Meta's cookies. */
const BROWSER_ID_KEYS = ["gclid", "gbraid", "wbraid", "fbclid", "ttclid", "li_fat_id", "msclkid", "ScCid", "rdt_cid", "epik", "fbc", "fbp"] as const;

export const IdentityConfig = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Link visitors into persons, record touches and attribute conversions (docs/identity.md)"),
    shards: z.int().min(1).max(1024).default(8).describe("Durable Objects the identity graph is spread over (changing it orphans existing persons)"),
    max_links: z.int().min(1).max(1000).default(50).describe("Identifiers one person may have; further links are refused and counted"),
    direct_window_days: z
      .number()
      .nonnegative()
      .max(400)
      .default(30)
      .describe("A direct visit replaces the last touch only when that touch is older than this"),
    browser_windows_days: z
      .partialRecord(z.enum(BROWSER_ID_KEYS), z.number().nonnegative().max(400))
      .default({})
      .describe("How long after it was seen a click id (or fbc/fbp) is still added to a server event; defaults in docs/identity.md"),
    verify_user_id: z
      .boolean()
      .default(false)
      .describe("Trust a browser's user_id only with user_id_signature = HMAC-SHA256(secret, user_id) from your backend"),
    secret: SecretName.default("TAGWIRE_USER_ID_SECRET").describe("The secret user ids are signed with (verify_user_id)"),
  })
  .default({
    enabled: true,
    shards: 8,
    max_links: 50,
    direct_window_days: 30,
    browser_windows_days: {},
    verify_user_id: false,
    secret: "TAGWIRE_USER_ID_SECRET",
  });

export const Config = z
  .strictObject({
    version: z.string().default("dev").describe("Your config's version, shown by /health"),
    prefix: prefixPath.describe("Path prefix P of every public route (the one snippets are printed with)"),
    previous_prefixes: z
      .array(prefixPath)
      .default([])
      .describe("Prefixes still served beside `prefix` after a rotation, so pages and cached snippets naming them keep working"),
    routes: RouteNames,
    sdk_global: z
      .string()
      .regex(/^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/, "a JavaScript identifier such as tagwire")
      .default("tagwire")
      .describe("Name of the SDK's global object (window.<name>)"),
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
    gtag: GtagConfig.optional(),
    sources: z
      .record(z.string(), z.strictObject({ secret: SecretName }))
      .default({})
      .describe("Server-to-server sources and the secret each signs with"),
    identity: IdentityConfig,
    admin: z
      .strictObject({ token_secret: SecretName.default("TAGWIRE_ADMIN_TOKEN"), access: AccessConfig.optional() })
      .default({ token_secret: "TAGWIRE_ADMIN_TOKEN" }),
    dead_letters: DeadLetterSettings.default(DEAD_LETTER_DEFAULTS),
    ledger: LedgerConfig,
    alerts: AlertsConfig,
    archive: ArchiveConfig,
    capture: CaptureConfig,
    residency: z
      .enum(["eu", "us", "fedramp"])
      .optional()
      .describe(
        "Jurisdiction every Durable Object Tagwire creates lives in (eu: the European Union). Unset: wherever Cloudflare places it. Changing it moves nothing: objects already created stay where they are (docs/rollouts.md)",
      ),
    debug: z
      .boolean()
      .default(false)
      .describe("Expose P/debug/* (recent events and recorded dry-run requests). Development only."),
  })
  .superRefine((cfg, ctx) => {
    const taken = new Map<string, string>(FIXED_ROUTES.map((r) => [r, "a fixed route"]));
    const { renamed_from, ...current } = cfg.routes;
    const names: [(string | number)[], string][] = [
      ...Object.entries(current).map(([key, name]): [(string | number)[], string] => [[key], name]),
      ...Object.entries(renamed_from).flatMap(([key, old]) => (old ?? []).map((name, i): [(string | number)[], string] => [["renamed_from", key, i], name])),
    ];
    for (const [path, name] of names) {
      const stem = name.split(".")[0]!;
      const clash = taken.get(name) ?? taken.get(stem);
      if (clash) ctx.addIssue({ code: "custom", path: ["routes", ...path], message: `"${name}" is already ${clash}` });
      taken.set(name, `routes.${path.join(".")}`);
    }
    const prefixes = [cfg.prefix, ...cfg.previous_prefixes];
    prefixes.forEach((p, i) => {
      if (i > 0 && prefixes.indexOf(p) < i) ctx.addIssue({ code: "custom", path: ["previous_prefixes", i - 1], message: `"${p}" is listed twice` });
    });
    checkRuleReferences(cfg.rules, cfg.destinations, (type) => definitionOf(type).actions ?? {}, (path, message) =>
      ctx.addIssue({ code: "custom", path: ["rules", ...path], message }),
    );
    for (const [id, dest] of Object.entries(cfg.destinations)) {
      for (const p of DESTINATIONS.find((d) => d.type === dest.type)?.checkSettings?.(dest as never) ?? []) {
        ctx.addIssue({ code: "custom", path: ["destinations", id, p.path], message: p.message });
      }
    }
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
