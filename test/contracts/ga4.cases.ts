/** Contract of the GA4 Measurement Protocol adapter (shared/reference/destinations.md §1). */
import { DENIED, leadEvent, minimalEvent, purchaseEvent, UA } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const SECRET = "ga4_secret_0123456789";
const URL = `https://www.google-analytics.com/mp/collect?measurement_id=G-ABC123XYZ9&api_secret=${SECRET}`;
const DEBUG_URL = `https://www.google-analytics.com/debug/mp/collect?measurement_id=G-ABC123XYZ9&api_secret=${SECRET}`;
const GA = { context: { cookies: { _ga: "GA1.1.1197596843.1673515099" } } };
const CONSENT = { ad_user_data: "GRANTED", ad_personalization: "GRANTED" };
const USER_DATA = {
  sha256_email_address: ["86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"],
  sha256_phone_number: ["40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0"],
  address: [
    {
      sha256_first_name: "81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2",
      sha256_last_name: "799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f",
      city: "san francisco",
      region: "ca",
      postal_code: "94107",
      country: "us",
    },
  ],
};
const PAGE = {
  page_location: "https://shop.example.com/checkout/complete",
  page_referrer: "https://shop.example.com/checkout",
  page_title: "Order complete",
};
const PURCHASE = {
  name: "purchase",
  timestamp_micros: 1780315200000000,
  params: {
    transaction_id: "ord_1001",
    value: 129.99,
    currency: "USD",
    items: [{ item_id: "sku_1", item_name: "Trail shoe", price: 129.99, quantity: 1 }],
    session_id: "1780315000",
    engagement_time_msec: 100,
    ...PAGE,
  },
};
const LEAD = {
  name: "generate_lead",
  timestamp_micros: 1780315200000000,
  params: { value: 500, currency: "USD", session_id: "1780315000", engagement_time_msec: 100, ...PAGE, lead_id: "lead_2001", score: 91, company: "Acme" },
};

/** A gtag.js purchase hit as it arrived (shared parameters with its body line laid over them). */
const HIT =
  "v=2&tid=G-ABC123XYZ9&gtm=45je4a20v9&_p=1780315100000&gcs=G111&gcd=13t3t3t3t5&cid=1197596843.1673515099&sid=1780315000&sct=3&seg=1&_s=3" +
  "&dl=https%3A%2F%2Fshop.example.com%2Fcheckout%2Fcomplete&dt=Order+complete&cu=USD&en=purchase&ep.transaction_id=ord_1001&epn.value=129.99" +
  "&pr1=idsku_1%7EnmTrail+shoe%7Epr129.99%7Eqt1&_et=1200";
const COLLECT = { transport: "collect", api_secret: undefined };

export const ga4Contract: ContractModule = {
  type: "ga4",
  settings: { measurement_id: "G-ABC123XYZ9", api_secret: "GA4_API_SECRET" },
  secrets: { GA4_API_SECRET: SECRET },
  plan: { purchase_completed: "purchase" },
  cases: [
    {
      name: "sends a purchase with the _ga client id, transaction_id, items, session and hashed user_data",
      events: [purchaseEvent(GA)],
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            headers: { "content-type": "application/json" },
            body: { client_id: "1197596843.1673515099", user_id: "user_42", consent: CONSENT, user_data: USER_DATA, events: [PURCHASE] },
          },
        ],
      },
    },
    {
      name: "sends a lead as generate_lead with a client id derived from the visitor id when there is no _ga",
      events: [leadEvent()],
      expect: {
        requests: [{ method: "POST", url: URL, body: { client_id: "559565372.29840324", user_id: "user_42", consent: CONSENT, user_data: USER_DATA, events: [LEAD] } }],
      },
    },
    {
      name: "puts events of one visitor in one request and other visitors in their own",
      events: [purchaseEvent(GA), leadEvent(GA), leadEvent({ event_id: "evt_lead_other", anonymous_id: "someone-else-0001", user_id: null, user: {} })],
      expect: {
        requests: [
          { method: "POST", url: URL, body: { client_id: "1197596843.1673515099", user_id: "user_42", consent: CONSENT, user_data: USER_DATA, events: [PURCHASE, LEAD] } },
          { method: "POST", url: URL },
        ],
      },
    },
    {
      name: "sends a minimal event under its own valid name, without user data",
      events: [minimalEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              client_id: "559565372.29840324",
              consent: CONSENT,
              events: [{ name: "sign_up", timestamp_micros: 1780315200000000, params: { session_id: "1780315000", engagement_time_msec: 100 } }],
            },
          },
        ],
      },
    },
    {
      name: "sends no user_data and DENIED consent signals when ad_user_data is denied",
      events: [leadEvent({ consent: { analytics: true, ads: false, ad_user_data: false, ad_personalization: false, gpc: false } })],
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: { client_id: "559565372.29840324", user_id: "user_42", consent: { ad_user_data: "DENIED", ad_personalization: "DENIED" }, events: [LEAD] },
          },
        ],
      },
    },
    {
      name: "sends nothing when analytics consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "uses the event_id as transaction_id when a purchase has no order_id (never empty)",
      events: [purchaseEvent({ ...GA, properties: { order_id: undefined } })],
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              client_id: "1197596843.1673515099",
              user_id: "user_42",
              consent: CONSENT,
              user_data: USER_DATA,
              events: [{ ...PURCHASE, params: { ...PURCHASE.params, transaction_id: "evt_purchase_0001" } }],
            },
          },
        ],
      },
    },
    {
      name: "skips names GA4 reserves or rejects, and events older than 72 h",
      events: [minimalEvent({ event_id: "evt_reserved" }), leadEvent({ time: "2026-05-28T12:00:00.000Z" })],
      plan: { signup_completed: "session_start" },
      expect: {
        requests: [],
        skipped: [
          { event_id: "evt_reserved", reason: "reserved" },
          { event_id: "evt_lead_0001", reason: "72 h" },
        ],
      },
    },
    {
      name: "validates against /debug/mp/collect in test mode and dead-letters validation messages",
      events: [purchaseEvent(GA)],
      settings: { mode: "test" },
      responses: [{ status: 200, body: '{"validationMessages":[{"fieldPath":"events[0].params.currency","description":"Currency must be 3 letters","validationCode":"VALUE_INVALID"}]}' }],
      expect: {
        requests: [
          {
            method: "POST",
            url: DEBUG_URL,
            body: { client_id: "1197596843.1673515099", user_id: "user_42", consent: CONSENT, user_data: USER_DATA, events: [PURCHASE], validation_behavior: "ENFORCE_RECOMMENDATIONS" },
          },
        ],
        outcomes: { evt_purchase_0001: "drop" },
      },
    },
    {
      name: "counts an empty validation answer in test mode as delivered",
      events: [purchaseEvent(GA)],
      settings: { mode: "test" },
      responses: [{ status: 200, body: '{"validationMessages":[]}' }],
      expect: { requests: [{ method: "POST", url: DEBUG_URL }], outcomes: { evt_purchase_0001: "ok" } },
    },
    {
      name: "sends to the EU host when region = eu",
      events: [purchaseEvent(GA)],
      settings: { region: "eu" },
      expect: { requests: [{ method: "POST", url: `https://region1.google-analytics.com/mp/collect?measurement_id=G-ABC123XYZ9&api_secret=${SECRET}` }] },
    },
    {
      name: "retries a 5xx answer",
      events: [purchaseEvent(GA)],
      responses: [{ status: 503, body: "unavailable" }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "retry" } },
    },
    {
      name: "transport collect: forwards a gtag hit to /g/collect as sent, with the visitor's IP and User-Agent",
      settings: COLLECT,
      events: [purchaseEvent({ ga4_hit: { params: HIT } })],
      expect: {
        requests: [
          {
            method: "POST",
            url: `https://www.google-analytics.com/g/collect?${HIT}&_uip=203.0.113.10`,
            headers: { "content-type": "text/plain;charset=UTF-8", "user-agent": UA, "accept-language": "en-US" },
            body: "",
          },
        ],
      },
    },
    {
      name: "transport collect: a hit for another stream is skipped; a non-hit event without api_secret is skipped",
      settings: COLLECT,
      events: [
        purchaseEvent({ ga4_hit: { params: HIT.replace("G-ABC123XYZ9", "G-OTHER00000") } }),
        leadEvent(),
      ],
      expect: {
        requests: [],
        skipped: [
          { event_id: "evt_purchase_0001", reason: "a hit for G-OTHER00000" },
          { event_id: "evt_lead_0001", reason: "no api_secret" },
        ],
      },
    },
    {
      name: "transport collect: other events still take the Measurement Protocol when api_secret is set",
      settings: { transport: "collect" },
      events: [purchaseEvent(GA)],
      expect: { requests: [{ method: "POST", url: URL }] },
    },
  ],
};
