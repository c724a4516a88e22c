/** Contract of the TikTok Events API adapter (shared/reference/destinations.md §4). */
import { DENIED, leadEvent, minimalEvent, purchaseEvent, UA } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/";
const HEADERS = { "content-type": "application/json", "access-token": "tt_test_token_0123456789" };
const USER = {
  email: "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d",
  phone: "40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0",
  external_id: "573baabb5ca42a23f3a118d027eadd8dc9bed70e40708a1b1ed9410b00feed0e",
  ip: "203.0.113.10",
  user_agent: UA,
  locale: "en_US",
};
const PAGE = { url: "https://shop.example.com/checkout/complete", referrer: "https://shop.example.com/checkout" };
const PURCHASE = {
  event: "Purchase",
  event_time: 1780315200,
  event_id: "evt_purchase_0001",
  user: { ...USER, ttclid: "E.C.P.EXAMPLE_TTCLID", ttp: "2F7h37YkS1j57AYSKTI7IHhJPYH" },
  page: PAGE,
  properties: {
    value: 129.99,
    currency: "USD",
    order_id: "ord_1001",
    content_type: "product",
    contents: [{ content_id: "sku_1", content_name: "Trail shoe", price: 129.99, quantity: 1 }],
  },
};
const LEAD = { event: "Lead", event_time: 1780315200, event_id: "evt_lead_0001", user: USER, page: PAGE, properties: { value: 500, currency: "USD" } };
const clicked = { click_ids: { ttclid: "E.C.P.EXAMPLE_TTCLID" }, context: { cookies: { _ttp: "2F7h37YkS1j57AYSKTI7IHhJPYH" } } };
const ENVELOPE = { event_source: "web", event_source_id: "CPIXELCODE1234567890" };

export const tiktokContract: ContractModule = {
  type: "tiktok",
  settings: { pixel_code: "CPIXELCODE1234567890", access_token: "TIKTOK_TOKEN" },
  secrets: { TIKTOK_TOKEN: "tt_test_token_0123456789" },
  plan: { purchase_completed: "Purchase" },
  cases: [
    {
      name: "sends a purchase with hashed email/phone/external_id, clear ttclid/ttp/ip/ua and contents",
      events: [purchaseEvent(clicked)],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { ...ENVELOPE, data: [PURCHASE] } }] },
    },
    {
      name: "sends a lead as Lead",
      events: [leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { ...ENVELOPE, data: [LEAD] } }] },
    },
    {
      name: "sends a minimal event with the IP and user agent as its only matchers",
      events: [minimalEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              ...ENVELOPE,
              data: [{ event: "CompleteRegistration", event_time: 1780315200, event_id: "evt_min_0001", user: { ip: "203.0.113.10", user_agent: UA }, properties: {} }],
            },
          },
        ],
      },
    },
    {
      name: "skips an event with no user matcher at all",
      events: [minimalEvent({ context: { ip: null } })],
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "no user matcher" }] },
    },
    {
      name: "sends nothing when ads consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "adds test_event_code in test mode",
      events: [leadEvent()],
      settings: { mode: "test", test_event_code: "TEST12345" },
      expect: { requests: [{ method: "POST", url: URL, body: { ...ENVELOPE, test_event_code: "TEST12345", data: [LEAD] } }] },
    },
    {
      name: "reads errors from the body's code: 40100 retry, 40001 auth, 40002 drop, 20001 ok",
      events: [purchaseEvent()],
      responses: [{ status: 200, body: '{"code":40100,"message":"Too many requests","request_id":"r1"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "retry" } },
    },
    {
      name: "classifies code 40001 (token) as auth",
      events: [purchaseEvent()],
      responses: [{ status: 200, body: '{"code":40001,"message":"Access token is invalid"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "auth" } },
    },
    {
      name: "classifies code 40002 (invalid parameter) as drop",
      events: [purchaseEvent()],
      responses: [{ status: 200, body: '{"code":40002,"message":"Invalid event"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "drop" } },
    },
    {
      name: "counts a partial success (20001) as delivered",
      events: [purchaseEvent()],
      responses: [{ status: 200, body: '{"code":20001,"message":"Partial success"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "ok" } },
    },
  ],
};
