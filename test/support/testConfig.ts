/** The config the test Worker runs with (its TAGWIRE_CONFIG binding); tests that need others build their own. */

export const TEST_ORIGIN = "https://shop.example.com";

export function testConfig(doubleBase: string) {
  return {
    version: "test",
    prefix: "/k7q",
    allowed_origins: [TEST_ORIGIN],
    cookies: { domain: "shop.example.com" },
    debug: true,
    // Most tests want a conversion delivered as soon as the request settles; merge tests set their own window.
    dedupe: { merge_seconds: 0 },
    plan: {
      unknown_events: "flag",
      default_currency: "USD",
      events: {
        purchase_completed: {
          description: "An order was paid",
          owner: "growth",
          value: { from: "value" },
          dedupe: { key: "order_id" },
          properties: {
            order_id: { type: "string", required: true },
            value: { type: "number", required: true, min: 0 },
            currency: { type: "string", pattern: "^[A-Z]{3}$" },
            items: { type: "array" },
          },
        },
        lead_submitted: {
          description: "A demo-request form was submitted",
          owner: "marketing-ops",
          value: { estimated: { close_rate: 0.1, average_deal_size: 5000 } },
          properties: {
            lead_id: { type: "string", required: true },
            score: { type: "number", min: 0, max: 100 },
          },
        },
        burst_probe_sent: {
          description: "A probe sent 1,000 times at once by the concurrency test",
          owner: "tests",
          conversion: true,
        },
        product_added: {
          description: "A product was added to the cart",
          owner: "growth",
          value: { from: "price" },
          properties: {
            product_id: { type: "string", required: true },
            price: { type: "number", min: 0 },
            quantity: { type: "integer", min: 1 },
            plan: { type: "string", enum: ["basic", "pro"] },
          },
        },
      },
    },
    sources: { backend: { secret: "TEST_S2S_SECRET" } },
    // Off here: suites send many events from one IP. test/http/rate-limit.test.ts turns them on.
    rate_limits: { browser: false, pixel: false, conversions: false },
    destinations: {
      hook: {
        type: "webhook",
        mode: "live",
        url: `${doubleBase}/hook`,
        secret: "TEST_WEBHOOK_SECRET",
        pii: "hashed",
      },
      // Dedicated buckets for tests that go through the real queue, where the consumer runs with this config.
      burst: {
        type: "webhook",
        mode: "live",
        url: `${doubleBase}/burst`,
        secret: "TEST_WEBHOOK_SECRET",
        only_events: ["burst_probe_sent"],
      },
      bulk: {
        type: "webhook",
        mode: "live",
        url: `${doubleBase}/bulk`,
        secret: "TEST_WEBHOOK_SECRET",
        only_events: ["bulk_probe_sent"],
      },
      recorded: {
        type: "webhook",
        mode: "dry_run",
        url: "https://hooks.example.com/recorded",
        secret: "TEST_WEBHOOK_SECRET",
      },
    },
  };
}
