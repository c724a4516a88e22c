/** Contract of the Pinterest Conversions API v5: `{"data":[…]}` to /v5/ad_accounts/<id>/events. */
import { DENIED, UA, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const URL = "https://api.pinterest.com/v5/ad_accounts/549755885175/events";
const HEADERS = { authorization: "Bearer pin-contract-token-0001", "content-type": "application/json" };
const PAGE = "https://shop.example.com/checkout/complete";

/** The fixture's traits, normalized per Pinterest (phone digits without "+", city without spaces), hashed. */
const USER = {
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

const purchase = {
  event_name: "checkout",
  action_source: "web",
  event_time: 1780315200,
  event_id: "evt_purchase_0001",
  event_source_url: PAGE,
  user_data: { ...USER, click_id: "epik-contract-0001" },
  custom_data: {
    currency: "USD",
    value: "129.99",
    order_id: "ord_1001",
    content_ids: ["sku_1"],
    contents: [{ id: "sku_1", quantity: 1, item_price: "129.99", item_name: "Trail shoe" }],
    num_items: 1,
  },
};
const lead = {
  event_name: "lead",
  action_source: "web",
  event_time: 1780315200,
  event_id: "evt_lead_0001",
  event_source_url: PAGE,
  user_data: USER,
  custom_data: { currency: "USD", value: "500" },
};
const TWO_ROWS = '{"num_events_received":2,"num_events_processed":1,"events":[{"status":"processed","error_message":null},{"status":"failed","error_message":"event_time too old"}]}';

export const pinterestContract: ContractModule = {
  type: "pinterest",
  settings: { ad_account_id: "549755885175", conversion_token: "PINTEREST_TOKEN" },
  secrets: { PINTEREST_TOKEN: "pin-contract-token-0001" },
  plan: { purchase_completed: "checkout", lead_submitted: "lead" },
  cases: [
    {
      name: "sends a purchase as checkout with hashed user arrays, the epik click id in clear, and string money",
      events: [purchaseEvent({ click_ids: { epik: "epik-contract-0001" } })],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { data: [purchase] } }] },
    },
    {
      name: "takes the click id from the _epik cookie when the URL had none",
      events: [purchaseEvent({ context: { cookies: { _epik: "epik-contract-0001" } } })],
      expect: { requests: [{ method: "POST", url: URL, body: { data: [purchase] } }] },
    },
    {
      name: "sends a lead with its value and no order data",
      events: [leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { data: [lead] } }] },
    },
    {
      name: "batches a purchase and a lead into one request",
      events: [purchaseEvent({ click_ids: { epik: "epik-contract-0001" } }), leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, body: { data: [purchase, lead] } }] },
    },
    {
      name: "sends a minimal event matched on IP and user agent, with empty custom data",
      events: [minimalEvent()],
      plan: { signup_completed: "signup" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              data: [
                {
                  event_name: "signup",
                  action_source: "web",
                  event_time: 1780315200,
                  event_id: "evt_min_0001",
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
      name: "skips an event with neither an email nor IP and user agent",
      events: [minimalEvent({ context: { user_agent: null } })],
      plan: { signup_completed: "signup" },
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "needs an email" }] },
    },
    {
      name: "skips an event mapped to a name Pinterest does not know",
      events: [purchaseEvent()],
      plan: { purchase_completed: "Purchase" },
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "not a Pinterest event_name" }] },
    },
    {
      name: "marks the event opt_out when ad personalization is denied",
      events: [leadEvent({ consent: { ad_personalization: false } })],
      expect: { requests: [{ method: "POST", url: URL, body: { data: [{ ...lead, opt_out: true }] } }] },
    },
    {
      name: "passes an email and phone already given as SHA-256 hex through unchanged",
      events: [
        leadEvent({
          user: {
            email: "86E0B9E56C17CC4D12387E1949B85053FBE73BC3CE5A1188713A9D300CC6133D",
            phone: "5e7ec4c79ccac6e420876e65ad0e6b4b2ccf73ec3dccb50297bf2890a1ec73b9",
          },
        }),
      ],
      expect: { requests: [{ method: "POST", url: URL, body: { data: [lead] } }] },
    },
    {
      name: "sends nothing for an event whose ads consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "posts to the endpoint override instead of api.pinterest.com",
      events: [leadEvent()],
      settings: { endpoint: "https://pin-relay.example.com" },
      expect: { requests: [{ method: "POST", url: "https://pin-relay.example.com/v5/ad_accounts/549755885175/events", body: { data: [lead] } }] },
    },
    {
      name: "reads per-event results from a 200: processed ok, failed dropped",
      events: [purchaseEvent(), leadEvent()],
      responses: [{ status: 200, body: TWO_ROWS }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "ok", evt_lead_0001: "drop" } },
    },
    {
      name: "reads a 422 partial failure per event instead of dropping the whole batch",
      events: [purchaseEvent(), leadEvent()],
      responses: [{ status: 422, body: TWO_ROWS }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "ok", evt_lead_0001: "drop" } },
    },
    {
      name: "classifies an auth failure (401, code 2) as auth",
      events: [leadEvent()],
      responses: [{ status: 401, body: '{"code":2,"message":"Authentication failed."}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "auth" } },
    },
    {
      name: "classifies the rate limit (429, code 8) as retry",
      events: [leadEvent()],
      responses: [{ status: 429, body: '{"code":8,"message":"Rate limit exceeded"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "retry" } },
    },
    {
      name: "classifies an invalid request (400, code 4196) as drop",
      events: [leadEvent()],
      responses: [{ status: 400, body: '{"code":4196,"message":"invalid"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "drop" } },
    },
  ],
};
