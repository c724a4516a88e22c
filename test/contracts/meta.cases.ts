/** Contract of the Meta Conversions API adapter (shared/reference/destinations.md §2). */
import { DENIED, leadEvent, minimalEvent, purchaseEvent, UA } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const URL = "https://graph.facebook.com/v24.0/1234567890123456/events";
const HEADERS = { "content-type": "application/json", authorization: "Bearer meta_test_token_0123456789" };
const FBC = "fb.1.1780314900000.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk";
const FBP = "fb.1.1780000000000.1098115397";

const USER_DATA = {
  em: ["86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"],
  ph: ["5e7ec4c79ccac6e420876e65ad0e6b4b2ccf73ec3dccb50297bf2890a1ec73b9"],
  fn: ["81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2"],
  ln: ["799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f"],
  ct: ["1a6bd4d9d79dc0a79b53795c70d3349fa9e38968a3fbefbfe8783efb1d2b6aac"],
  st: ["6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126"],
  zp: ["c884a209ebe08750a7d13db63bd02233b375bd79786cbe329ab11586cc35dead"],
  country: ["79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"],
  external_id: ["573baabb5ca42a23f3a118d027eadd8dc9bed70e40708a1b1ed9410b00feed0e"],
  client_ip_address: "203.0.113.10",
  client_user_agent: UA,
};

const PURCHASE = {
  event_name: "Purchase",
  event_time: 1780315200,
  event_id: "evt_purchase_0001",
  action_source: "website",
  event_source_url: "https://shop.example.com/checkout/complete",
  referrer_url: "https://shop.example.com/checkout",
  user_data: { ...USER_DATA, fbc: FBC, fbp: FBP },
  custom_data: {
    value: 129.99,
    currency: "USD",
    order_id: "ord_1001",
    content_ids: ["sku_1"],
    content_type: "product",
    contents: [{ id: "sku_1", quantity: 1, item_price: 129.99 }],
    num_items: 1,
  },
};

const LEAD = {
  event_name: "Lead",
  event_time: 1780315200,
  event_id: "evt_lead_0001",
  action_source: "website",
  event_source_url: "https://shop.example.com/checkout/complete",
  referrer_url: "https://shop.example.com/checkout",
  user_data: USER_DATA,
  custom_data: { value: 500, currency: "USD" },
};

const clicked = { click_ids: { fbc: FBC, fbp: FBP } };

export const metaContract: ContractModule = {
  type: "meta",
  settings: { pixel_id: "1234567890123456", access_token: "META_TOKEN" },
  secrets: { META_TOKEN: "meta_test_token_0123456789" },
  plan: { purchase_completed: "Purchase" },
  cases: [
    {
      name: "sends a purchase with hashed user_data, clear ip/ua/fbc/fbp, and custom_data from the items",
      events: [purchaseEvent(clicked)],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { data: [PURCHASE] } }] },
    },
    {
      name: "sends a lead under Meta's standard Lead name with its estimated value",
      events: [leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { data: [LEAD] } }] },
    },
    {
      name: "sends a minimal mapped event with only what it has",
      events: [minimalEvent({ page: { url: "https://shop.example.com/signup" } })],
      plan: { signup_completed: "CompleteRegistration" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              data: [
                {
                  event_name: "CompleteRegistration",
                  event_time: 1780315200,
                  event_id: "evt_min_0001",
                  action_source: "website",
                  event_source_url: "https://shop.example.com/signup",
                  user_data: { client_ip_address: "203.0.113.10", client_user_agent: UA },
                  custom_data: {},
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "sends nothing when ads consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "adds test_event_code in test mode",
      events: [purchaseEvent(clicked)],
      settings: { mode: "test", test_event_code: "TEST12345" },
      expect: { requests: [{ method: "POST", url: URL, body: { data: [PURCHASE], test_event_code: "TEST12345" } }] },
    },
    {
      name: "adds Limited Data Use options when configured",
      events: [leadEvent()],
      settings: { data_processing_options: ["LDU"], data_processing_options_country: 1, data_processing_options_state: 1000 },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: { data: [{ ...LEAD, data_processing_options: ["LDU"], data_processing_options_country: 1, data_processing_options_state: 1000 }] },
          },
        ],
      },
    },
    {
      name: "skips an event older than Meta's 7-day window instead of failing the whole batch",
      events: [purchaseEvent({ time: "2026-05-20T12:00:00.000Z" }), leadEvent()],
      expect: {
        requests: [{ method: "POST", url: URL, body: { data: [LEAD] } }],
        skipped: [{ event_id: "evt_purchase_0001", reason: "outside freshness window" }],
      },
    },
    {
      name: "skips a website event without a page URL",
      events: [minimalEvent()],
      plan: { signup_completed: "CompleteRegistration" },
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "missing: event_source_url (the page URL" }] },
    },
    {
      name: "classifies an invalid parameter (code 100) as drop",
      events: [purchaseEvent()],
      responses: [{ status: 400, body: '{"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"error_subcode":2804003,"fbtrace_id":"Atrace"}}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "drop" } },
    },
    {
      name: "classifies an expired token (code 190) as auth",
      events: [purchaseEvent()],
      responses: [{ status: 400, body: '{"error":{"message":"Error validating access token","code":190,"error_subcode":463}}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "auth" } },
    },
    {
      name: "classifies throttling (code 17) and server errors as retry",
      events: [purchaseEvent(), leadEvent()],
      responses: [{ status: 400, body: '{"error":{"message":"User request limit reached","code":17}}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "retry", evt_lead_0001: "retry" } },
    },
    {
      name: "uses the endpoint override as the host",
      events: [leadEvent()],
      settings: { endpoint: "http://127.0.0.1:9/meta" },
      expect: { requests: [{ method: "POST", url: "http://127.0.0.1:9/meta/v24.0/1234567890123456/events" }] },
    },
  ],
};
