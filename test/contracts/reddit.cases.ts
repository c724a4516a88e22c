/** Contract of the Reddit Conversions API v2.0: `{"test_mode":…,"events":[…]}` to /conversions/events/<account>. */
import { DENIED, UA, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const URL = "https://ads-api.reddit.com/api/v2.0/conversions/events/t2_contract";
const HEADERS = { authorization: "Bearer rdt-contract-token-0001", "content-type": "application/json" };
const AT = "2026-06-01T12:00:00.000Z";
const RDT_UUID = "1780000000000.11111111-2222-3333-4444-555555555555";
/** Reddit's own email form (dots and +tag removed), E.164 phone, hashed external id and hashed IP. */
const USER = {
  email: "c4d25e9c90ff23e9145397bc6fbd5385ca5fbe78211222ccbecd0b369ebb19a6",
  phone_number: "40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0",
  external_id: "573baabb5ca42a23f3a118d027eadd8dc9bed70e40708a1b1ed9410b00feed0e",
  ip_address: "631f08140b24b7274d12df3c37a1a80ce5876dafd7007d772e0114fddf88b682",
  user_agent: UA,
};

const purchase = {
  event_at: AT,
  event_type: { tracking_type: "Purchase" },
  click_id: "rdt-cid-contract-0001",
  event_metadata: {
    currency: "USD",
    value_decimal: 129.99,
    item_count: 1,
    products: [{ id: "sku_1", name: "Trail shoe" }],
    conversion_id: "evt_purchase_0001",
  },
  user: { ...USER, uuid: RDT_UUID },
};
const lead = {
  event_at: AT,
  event_type: { tracking_type: "Lead" },
  event_metadata: { currency: "USD", value_decimal: 500, conversion_id: "evt_lead_0001" },
  user: USER,
};
/** SHA-256 of 203.0.113.0, the fixture IP truncated to /24. */
const TRUNCATED_IP_HASH = "aff7bb5fdef8f52a208b0bb4e1b66d0eccf2a332409ae83a388a38a96a892658";
/** The body of the minimal event: no value, no click id, matched on the hashed IP and user agent. */
const minimalBody = (eventType: object, ipHash: string) => ({
  test_mode: false,
  events: [{ event_at: AT, event_type: eventType, event_metadata: { conversion_id: "evt_min_0001" }, user: { ip_address: ipHash, user_agent: UA } }],
});
const redditPurchase = () => purchaseEvent({ click_ids: { rdt_cid: "rdt-cid-contract-0001" }, context: { cookies: { _rdt_uuid: RDT_UUID } } });

export const redditContract: ContractModule = {
  type: "reddit",
  settings: { ad_account_id: "t2_contract", conversion_token: "REDDIT_TOKEN" },
  secrets: { REDDIT_TOKEN: "rdt-contract-token-0001" },
  plan: { purchase_completed: "Purchase", lead_submitted: "Lead" },
  cases: [
    {
      name: "sends a purchase with rdt_cid, the _rdt_uuid cookie, hashed email, phone, external id and IP",
      events: [redditPurchase()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { test_mode: false, events: [purchase] } }] },
    },
    {
      name: "sends a lead with its value and the event id as conversion_id",
      events: [leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { test_mode: false, events: [lead] } }] },
    },
    {
      name: "batches a purchase and a lead into one request",
      events: [redditPurchase(), leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, body: { test_mode: false, events: [purchase, lead] } }] },
    },
    {
      name: "sends a minimal event matched on hashed IP and user agent",
      events: [minimalEvent()],
      plan: { signup_completed: "SignUp" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: minimalBody({ tracking_type: "SignUp" }, USER.ip_address),
          },
        ],
      },
    },
    {
      name: "sends a name outside Reddit's tracking types as a Custom event of that name",
      events: [minimalEvent()],
      plan: { signup_completed: "TrialStarted" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: minimalBody({ tracking_type: "Custom", custom_event_name: "TrialStarted" }, USER.ip_address),
          },
        ],
      },
    },
    {
      name: "skips an event with nothing to match on",
      events: [minimalEvent({ context: { ip: null } })],
      plan: { signup_completed: "SignUp" },
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "Reddit needs something to match on" }] },
    },
    {
      name: "hashes the truncated IP when the destination truncates IPs",
      events: [minimalEvent()],
      plan: { signup_completed: "SignUp" },
      settings: { ip: "truncate" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: minimalBody({ tracking_type: "SignUp" }, TRUNCATED_IP_HASH),
          },
        ],
      },
    },
    {
      name: "sends nothing for an event whose ads consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "posts to the endpoint override instead of ads-api.reddit.com",
      events: [leadEvent()],
      settings: { endpoint: "https://rdt-relay.example.com" },
      expect: {
        requests: [
          { method: "POST", url: "https://rdt-relay.example.com/api/v2.0/conversions/events/t2_contract", body: { test_mode: false, events: [lead] } },
        ],
      },
    },
    {
      name: "classifies a bad conversion token (401) as auth",
      events: [leadEvent()],
      responses: [{ status: 401, body: '{"error":"unauthorized"}' }],
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
      responses: [{ status: 400, body: '{"error":"invalid event_at"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_lead_0001: "drop" } },
    },
  ],
};
