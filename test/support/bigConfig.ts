/**
 * A realistic large Tagwire config (about 40 KB as TOML): a 50-event tracking plan, one destination of every
 * type with its event names, and routing rules. It is far over the 5 KB a Worker var may hold, so it only
 * deploys as a bundled file (test/config/bundle.node.test.ts).
 */

const EVENTS = [
  "page_viewed", "product_viewed", "product_list_viewed", "product_searched", "product_added", "product_removed",
  "cart_viewed", "checkout_started", "checkout_step_completed", "payment_info_entered", "shipping_info_entered",
  "coupon_applied", "coupon_denied", "purchase_completed", "order_refunded", "order_cancelled", "subscription_started",
  "subscription_renewed", "subscription_cancelled", "trial_started", "trial_converted", "lead_submitted",
  "demo_requested", "contact_form_submitted", "newsletter_subscribed", "account_created", "signed_in", "signed_out",
  "password_reset", "profile_updated", "wishlist_added", "wishlist_removed", "review_submitted", "product_shared",
  "promotion_viewed", "promotion_clicked", "video_started", "video_completed", "file_downloaded", "webinar_registered",
  "quote_requested", "store_located", "appointment_booked", "gift_card_purchased", "referral_sent", "app_installed",
  "chat_started", "survey_completed", "search_no_results", "back_in_stock_requested",
] as const;

/** Vendor names for the events an ad network or CRM cares about. */
const CONVERSIONS: Record<string, { meta: string; tiktok: string; ga4: string; snap: string; pinterest: string; reddit: string }> = {
  purchase_completed: { meta: "Purchase", tiktok: "CompletePayment", ga4: "purchase", snap: "PURCHASE", pinterest: "checkout", reddit: "Purchase" },
  product_added: { meta: "AddToCart", tiktok: "AddToCart", ga4: "add_to_cart", snap: "ADD_CART", pinterest: "add_to_cart", reddit: "AddToCart" },
  checkout_started: { meta: "InitiateCheckout", tiktok: "InitiateCheckout", ga4: "begin_checkout", snap: "START_CHECKOUT", pinterest: "custom", reddit: "Custom" },
  lead_submitted: { meta: "Lead", tiktok: "SubmitForm", ga4: "generate_lead", snap: "SIGN_UP", pinterest: "lead", reddit: "Lead" },
  account_created: { meta: "CompleteRegistration", tiktok: "CompleteRegistration", ga4: "sign_up", snap: "SIGN_UP", pinterest: "signup", reddit: "SignUp" },
  product_viewed: { meta: "ViewContent", tiktok: "ViewContent", ga4: "view_item", snap: "VIEW_CONTENT", pinterest: "page_visit", reddit: "ViewContent" },
  product_searched: { meta: "Search", tiktok: "Search", ga4: "search", snap: "SEARCH", pinterest: "search", reddit: "Search" },
  wishlist_added: { meta: "AddToWishlist", tiktok: "AddToWishlist", ga4: "add_to_wishlist", snap: "ADD_TO_WISHLIST", pinterest: "custom", reddit: "AddToWishlist" },
  subscription_started: { meta: "Subscribe", tiktok: "Subscribe", ga4: "purchase", snap: "SUBSCRIBE", pinterest: "checkout", reddit: "Purchase" },
  trial_started: { meta: "StartTrial", tiktok: "Subscribe", ga4: "sign_up", snap: "START_TRIAL", pinterest: "signup", reddit: "SignUp" },
};

function properties(name: string, i: number): Record<string, Record<string, unknown>> {
  const props: Record<string, Record<string, unknown>> = {
    page_section: { type: "string", enum: ["home", "catalog", "product", "cart", "checkout", "account"] },
    experiment_variant: { type: "string", max_length: 64 },
  };
  if (/purchase|order|subscription|gift|checkout/.test(name)) {
    props.order_id = { type: "string", ...(/purchase|order|gift/.test(name) ? { required: true } : {}), pattern: "^[A-Z0-9-]{6,40}$", description: "The shop's order number" };
    props.value = { type: "number", ...(/purchase|gift/.test(name) ? { required: true } : {}), min: 0, max: 100000, description: "Order total, tax included" };
    props.currency = { type: "string", pattern: "^[A-Z]{3}$", description: "ISO 4217 currency of value" };
    props.items = { type: "array", max_length: 200, description: "Products: id, name, price, quantity, category" };
    props.coupon = { type: "string", max_length: 40 };
  }
  if (/lead|demo|contact|quote|webinar|appointment|survey/.test(name)) {
    props.lead_id = { type: "string", required: true, min_length: 4 };
    props.score = { type: "number", min: 0, max: 100, description: "Lead score from the form's qualification" };
    props.company_size = { type: "string", enum: ["1-10", "11-50", "51-200", "201-1000", "1000+"] };
    props.job_title = { type: "string", max_length: 120 };
  }
  if (/product|wishlist|review|stock/.test(name)) {
    props.product_id = { type: "string", required: true };
    props.price = { type: "number", min: 0 };
    props.quantity = { type: "integer", min: 1, max: 999 };
    props.category = { type: "string", max_length: 100 };
  }
  if (i % 7 === 0) props.plan = { type: "string", enum: ["basic", "pro", "enterprise"], description: "Subscription tier" };
  return props;
}

function plannedEvent(name: string, i: number): Record<string, unknown> {
  const c = CONVERSIONS[name];
  const ev: Record<string, unknown> = {
    description: `${name.replaceAll("_", " ")}: recorded by the storefront and the backend (plan entry ${i + 1})`,
    owner: i % 3 === 0 ? "growth@shop.example.com" : i % 3 === 1 ? "marketing-ops@shop.example.com" : "product-analytics@shop.example.com",
    properties: properties(name, i),
  };
  if (/purchase|gift/.test(name)) {
    ev.value = { from: "value" };
    ev.dedupe = { key: "order_id", window_hours: 72 };
  } else if (/lead|demo|quote/.test(name)) {
    ev.value = { estimated: { close_rate: 0.08, average_deal_size: 12000 } };
  } else if (/trial|subscription_started/.test(name)) {
    ev.value = { fixed: 25 };
  }
  ev.destinations = c
    ? { meta: c.meta, tiktok: c.tiktok, ga4: c.ga4, snap: c.snap, pinterest: c.pinterest, reddit: c.reddit }
    : { meta: false, tiktok: false, snap: false, pinterest: false, reddit: false };
  return ev;
}

export function bigConfig(): Record<string, unknown> {
  const events = Object.fromEntries(EVENTS.map((n, i) => [n, plannedEvent(n, i)]));
  const conversionNames = Object.keys(CONVERSIONS);
  const rules: Record<string, unknown>[] = [
    {
      name: "hot_lead_task",
      description: "Sales calls every lead scored above 80 within the hour",
      when: { all: [{ field: "name", op: "in", value: ["lead_submitted", "demo_requested", "quote_requested"] }, { field: "properties.score", op: "gt", value: 80 }] },
      then: { destination: "hubspot", action: "create_task", owner_id: "7001", subject: "Hot lead: {{user.email|anonymous_id}} scored {{properties.score}}", priority: "HIGH", due_in_minutes: 60 },
    },
    {
      name: "enterprise_to_crm_only",
      description: "Enterprise leads go to the CRMs and the warehouse, not to the ad networks",
      when: { all: [{ field: "name", op: "eq", value: "lead_submitted" }, { field: "properties.company_size", op: "eq", value: "1000+" }] },
      then: { only_destinations: ["hubspot", "salesforce", "warehouse"] },
    },
    {
      name: "internal_traffic",
      description: "Staff browsing the shop reaches analytics only",
      when: { any: [{ field: "user.email", op: "matches", value: "@shop\\.example\\.com$" }, { field: "campaign.source", op: "eq", value: "internal" }] },
      then: { skip_destinations: ["meta", "tiktok", "google_ads", "snap", "pinterest", "reddit", "linkedin"] },
    },
  ];
  for (const [i, name] of EVENTS.slice(0, 20).entries()) {
    rules.push({
      name: `test_orders_${name}`,
      description: `Orders and events marked as tests by QA never reach the ad networks (${name})`,
      when: { all: [{ field: "name", op: "eq", value: name }, { any: [{ field: "properties.coupon", op: "eq", value: `QA-${i}` }, { field: "page.path", op: "matches", value: "^/qa/" }] }] },
      then: { skip_destinations: ["meta", "tiktok", "google_ads", "pinterest"] },
    });
  }

  return {
    version: "2026-11-30.big",
    prefix: "/k7q",
    allowed_origins: ["https://shop.example.com", "https://www.shop.example.com", "https://checkout.shop.example.com"],
    cookies: { domain: "shop.example.com" },
    consent: { default: { analytics: true, ads: true }, deny_regions: ["EEA", "GB", "CH"], honor_gpc: true },
    dedupe: { window_hours: 48, double_fire_seconds: 2, shards: 16 },
    plan: { unknown_events: "flag", default_currency: "USD", events },
    destinations: {
      warehouse: { type: "webhook", url: "https://hooks.shop.example.com/tagwire", secret: "WAREHOUSE_WEBHOOK_SECRET", pii: "hashed" },
      hubspot: { type: "hubspot", token: "HUBSPOT_TOKEN", portal_id: "12345678", touch_properties: true, behavioral_events: true, events: { purchase_completed: "purchase_completed", demo_requested: "demo_requested" } },
      salesforce: { type: "salesforce", method: "rest", instance_url: "https://acme.my.salesforce.com", client_id: "SF_CLIENT_ID", client_secret: "SF_CLIENT_SECRET", fields: { Title: "properties.job_title", Lead_Score__c: "properties.score" }, events: { lead_submitted: "Lead", demo_requested: "Lead", quote_requested: "Lead" } },
      linkedin: { type: "linkedin", access_token: "LINKEDIN_TOKEN", events: { purchase_completed: "1234567", lead_submitted: "7654321", demo_requested: "7654322" } },
      snap: { type: "snapchat", pixel_id: "11111111-2222-4333-8444-555555555555", access_token: "SNAP_CAPI_TOKEN" },
      pinterest: { type: "pinterest", ad_account_id: "549755885175", conversion_token: "PINTEREST_CONVERSION_TOKEN" },
      reddit: { type: "reddit", ad_account_id: "t2_abc123", conversion_token: "REDDIT_CONVERSION_TOKEN" },
      meta: { type: "meta", pixel_id: "1234567890123456", access_token: "META_CAPI_TOKEN" },
      ga4: { type: "ga4", measurement_id: "G-ABC123XYZ9", api_secret: "GA4_API_SECRET" },
      tiktok: { type: "tiktok", pixel_code: "CPIXELCODE1234567890", access_token: "TIKTOK_EVENTS_TOKEN" },
      google_ads: {
        type: "google_ads", customer_id: "123-456-7890", developer_token: "GADS_DEVELOPER_TOKEN", client_id: "GADS_CLIENT_ID",
        client_secret: "GADS_CLIENT_SECRET", refresh_token: "GADS_REFRESH_TOKEN",
        events: Object.fromEntries(conversionNames.map((n, i) => [n, `customers/1234567890/conversionActions/55500${100 + i}`])),
      },
      segment: { type: "segment", write_key: "SEGMENT_WRITE_KEY" },
      posthog: { type: "posthog", api_key: "POSTHOG_PROJECT_KEY", region: "eu" },
      mixpanel: { type: "mixpanel", project_id: "3210987", service_account_user: "MIXPANEL_SA_USER", service_account_secret: "MIXPANEL_SA_SECRET" },
      amplitude: { type: "amplitude", api_key: "AMPLITUDE_API_KEY" },
    },
    rules,
    sources: { billing: { secret: "BILLING_S2S_SECRET" } },
    admin: { token_secret: "TAGWIRE_ADMIN_TOKEN" },
  };
}

/** A TOML value written inline, as people write small tables ({ type = "string", required = true }). */
function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const pairs = Object.entries(v).map(([k, x]) => `${key(k)} = ${inline(x)}`);
    return pairs.length ? `{ ${pairs.join(", ")} }` : "{}";
  }
  return JSON.stringify(v); // strings, numbers and booleans: JSON's escapes are TOML's
}

function key(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

/** A table as the repo's config files write it: [headers] down to an event or a destination, inline below. */
function table(header: string, obj: Record<string, unknown>, out: string[]): void {
  const leaf = /^(plan\.events|destinations|sources)\.|^(consent|cookies|admin|dedupe)$/.test(header);
  const subtables: [string, Record<string, unknown>][] = [];
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (!leaf && v !== null && typeof v === "object" && !Array.isArray(v)) subtables.push([k, v as Record<string, unknown>]);
    else if (k === "properties" && v && typeof v === "object") {
      for (const [p, rule] of Object.entries(v)) lines.push(`properties.${key(p)} = ${inline(rule)}`);
    } else lines.push(`${key(k)} = ${inline(v)}`);
  }
  if (header && lines.length) out.push("", `[${header}]`);
  out.push(...lines);
  for (const [k, v] of subtables) table(header ? `${header}.${key(k)}` : key(k), v, out);
}

/** The config as a hand-written TOML file would have it. */
export function bigConfigToml(): string {
  const { rules, ...rest } = bigConfig() as { rules: Record<string, unknown>[] } & Record<string, unknown>;
  const out: string[] = ["# A large production config: 50 planned events, every destination type, routing rules."];
  table("", rest, out);
  for (const r of rules) {
    const { then, ...head } = r;
    out.push("", "[[rules]]", ...Object.entries(head).map(([k, v]) => `${key(k)} = ${inline(v)}`));
    out.push("", "[rules.then]", ...Object.entries(then as object).map(([k, v]) => `${key(k)} = ${inline(v)}`));
  }
  return `${out.join("\n")}\n`;
}
