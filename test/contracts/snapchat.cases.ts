/** Contract of the Snapchat Conversions API v3: `{"data":[…]}` to /v3/<pixel>/events, token in the query. */
import { DENIED, UA, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const PIXEL = "11111111-2222-4333-8444-555555555555";
const URL = `https://tr.snapchat.com/v3/${PIXEL}/events?access_token=snap-contract-token-0001`;
const EM = ["86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"];
const PH = ["5e7ec4c79ccac6e420876e65ad0e6b4b2ccf73ec3dccb50297bf2890a1ec73b9"];
const PAGE = "https://shop.example.com/checkout/complete";

const purchase = {
  event_name: "PURCHASE",
  action_source: "WEB",
  event_source_url: PAGE,
  event_time: 1780315200,
  event_id: "evt_purchase_0001",
  user_data: {
    em: EM,
    ph: PH,
    client_ip_address: "203.0.113.10",
    client_user_agent: UA,
    sc_click_id: "sccid-contract-0001",
    sc_cookie1: "scid-cookie-contract-0001",
  },
  custom_data: {
    currency: "USD",
    value: 129.99,
    order_id: "ord_1001",
    content_ids: ["sku_1"],
    contents: [{ id: "sku_1", quantity: 1, item_price: 129.99 }],
    num_items: 1,
  },
};
const lead = {
  event_name: "SIGN_UP",
  action_source: "WEB",
  event_source_url: PAGE,
  event_time: 1780315200,
  event_id: "evt_lead_0001",
  user_data: { em: EM, ph: PH, client_ip_address: "203.0.113.10", client_user_agent: UA },
  custom_data: { currency: "USD", value: 500 },
};
const snapPurchase = () =>
  purchaseEvent({ click_ids: { ScCid: "sccid-contract-0001" }, context: { cookies: { _scid: "scid-cookie-contract-0001" } } });

export const snapchatContract: ContractModule = {
  type: "snapchat",
  settings: { pixel_id: PIXEL, access_token: "SNAP_TOKEN" },
  secrets: { SNAP_TOKEN: "snap-contract-token-0001" },
  plan: { purchase_completed: "PURCHASE", lead_submitted: "SIGN_UP" },
  cases: [
    {
      name: "sends a purchase with hashed email and phone, clear IP, user agent, ScCid and _scid, and its items",
      events: [snapPurchase()],
      expect: { requests: [{ method: "POST", url: URL, headers: { "content-type": "application/json" }, body: { data: [purchase] } }] },
    },
    {
      name: "sends a lead as SIGN_UP with its value and no order data",
      events: [leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, body: { data: [lead] } }] },
    },
    {
      name: "batches a purchase and a lead into one request",
      events: [snapPurchase(), leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, body: { data: [purchase, lead] } }] },
    },
    {
      name: "sends a minimal event with a page URL, matched on IP and user agent alone",
      events: [minimalEvent({ page: { url: "https://shop.example.com/welcome" } })],
      plan: { signup_completed: "SIGN_UP" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              data: [
                {
                  event_name: "SIGN_UP",
                  action_source: "WEB",
                  event_source_url: "https://shop.example.com/welcome",
                  event_time: 1780315200,
                  event_id: "evt_min_0001",
                  user_data: { client_ip_address: "203.0.113.10", client_user_agent: UA },
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "skips a minimal event without a page URL, which Snap requires for web events",
      events: [minimalEvent()],
      plan: { signup_completed: "SIGN_UP" },
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "event_source_url" }] },
    },
    {
      name: "skips an event with nothing to match on (no email, phone or IP)",
      events: [minimalEvent({ page: { url: "https://shop.example.com/welcome" }, context: { ip: null } })],
      plan: { signup_completed: "SIGN_UP" },
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "matcher" }] },
    },
    {
      name: "gives a national phone number the configured default country before hashing",
      events: [leadEvent({ user: { phone: "(415) 555-0100" }, context: { geo: { country: "GB" } } })],
      settings: { default_phone_country: "US" },
      expect: { requests: [{ method: "POST", url: URL, body: { data: [lead] } }] },
    },
    {
      name: "sends nothing for an event whose ads consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "posts to the endpoint override instead of tr.snapchat.com",
      events: [leadEvent()],
      settings: { endpoint: "https://snap-relay.example.com" },
      expect: {
        requests: [{ method: "POST", url: `https://snap-relay.example.com/v3/${PIXEL}/events?access_token=snap-contract-token-0001`, body: { data: [lead] } }],
      },
    },
    {
      name: "classifies a bad token (401) as auth",
      events: [leadEvent()],
      responses: [{ status: 401, body: '{"status":"UNAUTHORIZED"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "auth" } },
    },
    {
      name: "classifies throttling (429) as retry",
      events: [leadEvent()],
      responses: [{ status: 429, body: "" }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "retry" } },
    },
    {
      name: "classifies an invalid payload (400) as drop",
      events: [leadEvent()],
      responses: [{ status: 400, body: '{"status":"INVALID","reason":"event_name"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "drop" } },
    },
    {
      name: "classifies a 200 whose body says INVALID as drop",
      events: [leadEvent()],
      responses: [{ status: 200, body: '{"status":"INVALID","reason":"bad user_data"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "drop" } },
    },
  ],
};
