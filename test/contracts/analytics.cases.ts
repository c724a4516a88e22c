/** Contracts of the product-analytics destinations: Segment, PostHog, Mixpanel, Amplitude (reference §9). */
import { expect } from "vitest";
import { DENIED, leadEvent, minimalEvent, purchaseEvent, UA } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const ANON = "01970a5e-2f00-7000-8000-000000000001";
const PAGE = { url: "https://shop.example.com/checkout/complete", path: "/checkout/complete", title: "Order complete", referrer: "https://shop.example.com/checkout" };
const CAMPAIGN = { source: "newsletter", medium: "email", name: "spring" };
const TRAITS = {
  email: "Jane.Doe@Example.com",
  phone: "+1 (415) 555-0100",
  first_name: "Jane",
  last_name: "Doe",
  city: "San Francisco",
  state: "CA",
  postal_code: "94107",
  country: "US",
  external_id: "user_42",
};
const ITEMS = [{ id: "sku_1", name: "Trail shoe", quantity: 1, price: 129.99 }];
const identified = { ...leadEvent(), event_id: "evt_identify_0001", name: "user_identified", properties: {}, value: null, currency: null, value_kind: null };

// ---------------------------------------------------------------- Segment
const SEG_URL = "https://api.segment.io/v1/batch";
const SEG_CONTEXT = { ip: "203.0.113.10", userAgent: UA, locale: "en-US", page: PAGE, campaign: CAMPAIGN, traits: TRAITS };
export const segmentContract: ContractModule = {
  type: "segment",
  settings: { write_key: "SEGMENT_WRITE_KEY" },
  secrets: { SEGMENT_WRITE_KEY: "seg_write_key_0123456789" },
  plan: { purchase_completed: "Order Completed" },
  cases: [
    {
      name: "sends a purchase as an Order Completed track call with messageId = event_id and spec products",
      events: [purchaseEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: SEG_URL,
            headers: { "content-type": "application/json", authorization: "Basic c2VnX3dyaXRlX2tleV8wMTIzNDU2Nzg5Og==" },
            body: {
              batch: [
                {
                  type: "track",
                  event: "Order Completed",
                  messageId: "evt_purchase_0001",
                  timestamp: "2026-06-01T12:00:00.000Z",
                  userId: "user_42",
                  anonymousId: ANON,
                  context: SEG_CONTEXT,
                  properties: {
                    order_id: "ord_1001",
                    value: 129.99,
                    revenue: 129.99,
                    currency: "USD",
                    products: [{ product_id: "sku_1", name: "Trail shoe", price: 129.99, quantity: 1 }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "sends a lead and an identify in one batch",
      events: [leadEvent(), identified],
      expect: {
        requests: [
          {
            method: "POST",
            url: SEG_URL,
            body: {
              batch: [
                {
                  type: "track",
                  event: "Lead Submitted",
                  messageId: "evt_lead_0001",
                  timestamp: "2026-06-01T12:00:00.000Z",
                  userId: "user_42",
                  anonymousId: ANON,
                  context: SEG_CONTEXT,
                  properties: { lead_id: "lead_2001", score: 91, company: "Acme", value: 500, currency: "USD" },
                },
                {
                  type: "identify",
                  messageId: "evt_identify_0001",
                  timestamp: "2026-06-01T12:00:00.000Z",
                  userId: "user_42",
                  anonymousId: ANON,
                  context: { ip: "203.0.113.10", userAgent: UA, locale: "en-US", page: PAGE, campaign: CAMPAIGN },
                  traits: TRAITS,
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "sends a minimal event under its canonical name",
      events: [minimalEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: SEG_URL,
            body: {
              batch: [
                { type: "track", event: "Signed Up", messageId: "evt_min_0001", timestamp: "2026-06-01T12:00:00.000Z", anonymousId: ANON, context: { ip: "203.0.113.10", userAgent: UA }, properties: {} },
              ],
            },
          },
        ],
      },
    },
    {
      name: "sends nothing without analytics consent",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "uses the EU host for EU workspaces and dead-letters a 400",
      events: [minimalEvent()],
      settings: { region: "eu" },
      responses: [{ status: 400, body: "invalid JSON" }],
      expect: { requests: [{ method: "POST", url: "https://events.eu1.segmentapis.com/v1/batch" }], outcomes: { evt_min_0001: "drop" } },
    },
  ],
};

// ---------------------------------------------------------------- PostHog
const PH_URL = "https://us.i.posthog.com/batch/";
const PH_COMMON = {
  $current_url: PAGE.url,
  $pathname: PAGE.path,
  $referrer: PAGE.referrer,
  $ip: "203.0.113.10",
  $raw_user_agent: UA,
  $session_id: "1780315000",
  utm_source: "newsletter",
  utm_medium: "email",
  utm_campaign: "spring",
};
export const posthogContract: ContractModule = {
  type: "posthog",
  settings: { api_key: "POSTHOG_KEY" },
  secrets: { POSTHOG_KEY: "phc_test_0123456789" },
  plan: { purchase_completed: "purchase_completed" },
  cases: [
    {
      name: "captures a purchase and a lead in one batch with uuids derived from the event_ids",
      events: [purchaseEvent(), leadEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: PH_URL,
            headers: { "content-type": "application/json" },
            body: {
              api_key: "phc_test_0123456789",
              batch: [
                {
                  event: "purchase_completed",
                  uuid: "544b2f0d-9847-5c93-807b-033d8f2417c9",
                  timestamp: "2026-06-01T12:00:00.000Z",
                  properties: { order_id: "ord_1001", value: 129.99, currency: "USD", items: ITEMS, distinct_id: "user_42", ...PH_COMMON, $set: TRAITS },
                },
                {
                  event: "lead_submitted",
                  uuid: "00a9d3d1-6317-5309-861b-50ab25101fd2",
                  timestamp: "2026-06-01T12:00:00.000Z",
                  properties: { lead_id: "lead_2001", score: 91, company: "Acme", value: 500, currency: "USD", distinct_id: "user_42", ...PH_COMMON, $set: TRAITS },
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "identifies with $identify, $set and the anonymous id it merges",
      events: [identified],
      expect: {
        requests: [
          {
            method: "POST",
            url: PH_URL,
            body: {
              api_key: "phc_test_0123456789",
              batch: [
                {
                  event: "$identify",
                  uuid: expectUuid(),
                  timestamp: "2026-06-01T12:00:00.000Z",
                  properties: { distinct_id: "user_42", ...PH_COMMON, $set: TRAITS, $anon_distinct_id: ANON },
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "flags events older than 48 h as a historical migration, on the EU host",
      events: [minimalEvent({ time: "2026-05-28T12:00:00.000Z" })],
      settings: { region: "eu" },
      expect: {
        requests: [
          {
            method: "POST",
            url: "https://eu.i.posthog.com/batch/",
            body: {
              api_key: "phc_test_0123456789",
              historical_migration: true,
              batch: [
                {
                  event: "signup_completed",
                  uuid: "cfc10776-9538-5c2a-a193-b774b398384c",
                  timestamp: "2026-05-28T12:00:00.000Z",
                  properties: { distinct_id: ANON, $ip: "203.0.113.10", $raw_user_agent: UA, $session_id: "1780315000" },
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "sends nothing without analytics consent",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "retries a 503",
      events: [purchaseEvent()],
      responses: [{ status: 503 }],
      expect: { requests: [{ method: "POST", url: PH_URL }], outcomes: { evt_purchase_0001: "retry" } },
    },
  ],
};

function expectUuid(): unknown {
  return expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
}

// ---------------------------------------------------------------- Mixpanel
const MP_URL = "https://api.mixpanel.com/import?strict=1&project_id=3210987";
const MP_COMMON = {
  time: 1780315200000,
  distinct_id: "user_42",
  $device_id: ANON,
  $user_id: "user_42",
  ip: "203.0.113.10",
  $current_url: PAGE.url,
  $referrer: PAGE.referrer,
  mp_country_code: "US",
  utm_source: "newsletter",
  utm_medium: "email",
  utm_campaign: "spring",
};
export const mixpanelContract: ContractModule = {
  type: "mixpanel",
  settings: { project_id: "3210987", service_account_user: "MP_SA_USER", service_account_secret: "MP_SA_SECRET" },
  secrets: { MP_SA_USER: "sa_user.mp-service-account", MP_SA_SECRET: "sa_secret_0123456789", MP_TOKEN: "mp_project_token_0123" },
  plan: { purchase_completed: "Order Completed" },
  cases: [
    {
      name: "imports a purchase and a lead with $insert_id from the event_id, strict, with service-account auth",
      events: [purchaseEvent(), leadEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: MP_URL,
            headers: { "content-type": "application/json", authorization: "Basic c2FfdXNlci5tcC1zZXJ2aWNlLWFjY291bnQ6c2Ffc2VjcmV0XzAxMjM0NTY3ODk=" },
            body: [
              { event: "Order Completed", properties: { order_id: "ord_1001", value: 129.99, currency: "USD", items: ITEMS, $insert_id: "f1fa77aaacae9b43faa6b62614717842", ...MP_COMMON } },
              { event: "lead_submitted", properties: { lead_id: "lead_2001", score: 91, company: "Acme", value: 500, currency: "USD", $insert_id: "d83b31991e445d6fe9c0d407d967b0de", ...MP_COMMON } },
            ],
          },
        ],
      },
    },
    {
      name: "imports a minimal event with the project token when there is no service account",
      events: [minimalEvent()],
      settings: { service_account_user: undefined, service_account_secret: undefined, project_token: "MP_TOKEN", region: "eu" },
      expect: {
        requests: [
          {
            method: "POST",
            url: "https://api-eu.mixpanel.com/import?strict=1&project_id=3210987",
            headers: { authorization: "Basic bXBfcHJvamVjdF90b2tlbl8wMTIzOg==" },
            body: [
              {
                event: "signup_completed",
                properties: { time: 1780315200000, distinct_id: ANON, $device_id: ANON, $insert_id: "347dd8e660cc44d06d8d1bd03a9b8013", ip: "203.0.113.10", mp_country_code: "US" },
              },
            ],
          },
        ],
      },
    },
    {
      name: "sends nothing without analytics consent",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "dead-letters only the failed records of a partial 400",
      events: [purchaseEvent(), leadEvent()],
      responses: [{ status: 400, body: '{"code":400,"num_records_imported":1,"status":"Bad Request","failed_records":[{"index":1,"insert_id":"x","field":"properties.time","message":"too old"}]}' }],
      expect: { requests: [{ method: "POST", url: MP_URL }], outcomes: { evt_purchase_0001: "ok", evt_lead_0001: "drop" } },
    },
    {
      name: "retries a 429",
      events: [purchaseEvent()],
      responses: [{ status: 429, headers: { "retry-after": "30" } }],
      expect: { requests: [{ method: "POST", url: MP_URL }], outcomes: { evt_purchase_0001: "retry" } },
    },
  ],
};

// ---------------------------------------------------------------- Amplitude
const AMP_URL = "https://api2.amplitude.com/2/httpapi";
const AMP_COMMON = {
  time: 1780315200000,
  user_id: "user_42",
  device_id: ANON,
  user_properties: TRAITS,
  session_id: 1780315000000,
  ip: "203.0.113.10",
  language: "en-US",
  country: "US",
  os_name: "Mac OS",
};
export const amplitudeContract: ContractModule = {
  type: "amplitude",
  settings: { api_key: "AMPLITUDE_KEY" },
  secrets: { AMPLITUDE_KEY: "amp_test_key_0123456789" },
  plan: { purchase_completed: "Order Completed" },
  cases: [
    {
      name: "sends a purchase with insert_id, revenue and its single product, and a lead without revenue",
      events: [purchaseEvent(), leadEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: AMP_URL,
            headers: { "content-type": "application/json" },
            body: {
              api_key: "amp_test_key_0123456789",
              events: [
                {
                  event_type: "Order Completed",
                  insert_id: "evt_purchase_0001",
                  ...AMP_COMMON,
                  event_properties: { order_id: "ord_1001", value: 129.99, currency: "USD", items: ITEMS, page_url: PAGE.url },
                  revenue: 129.99,
                  price: 129.99,
                  quantity: 1,
                  productId: "sku_1",
                  revenueType: "purchase",
                },
                {
                  event_type: "lead_submitted",
                  insert_id: "evt_lead_0001",
                  ...AMP_COMMON,
                  event_properties: { lead_id: "lead_2001", score: 91, company: "Acme", currency: "USD", page_url: PAGE.url },
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "sends a minimal event keyed by the device id, on the EU host",
      events: [minimalEvent()],
      settings: { region: "eu" },
      expect: {
        requests: [
          {
            method: "POST",
            url: "https://api.eu.amplitude.com/2/httpapi",
            body: {
              api_key: "amp_test_key_0123456789",
              events: [{ event_type: "signup_completed", insert_id: "evt_min_0001", time: 1780315200000, device_id: ANON, event_properties: {}, session_id: 1780315000000, ip: "203.0.113.10", country: "US", os_name: "Mac OS" }],
            },
          },
        ],
      },
    },
    {
      name: "sends nothing without analytics consent",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "dead-letters the invalid events of a 400 and retries the rest",
      events: [purchaseEvent(), leadEvent()],
      responses: [{ status: 400, body: '{"code":400,"error":"Request missing required field","events_with_invalid_fields":{"time":[0]}}' }],
      expect: { requests: [{ method: "POST", url: AMP_URL }], outcomes: { evt_purchase_0001: "drop", evt_lead_0001: "retry" } },
    },
    {
      name: "retries a 429",
      events: [purchaseEvent()],
      responses: [{ status: 429 }],
      expect: { requests: [{ method: "POST", url: AMP_URL }], outcomes: { evt_purchase_0001: "retry" } },
    },
  ],
};
