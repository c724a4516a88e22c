/** Contract of the Google Ads click-conversion adapter (shared/reference/destinations.md §3). */
import { DENIED, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const URL = "https://googleads.googleapis.com/v22/customers/1234567890:uploadClickConversions";
const HEADERS = {
  "content-type": "application/json",
  authorization: "Bearer ya29.test-access-token",
  "developer-token": "devtoken_test_0123456789",
};
const IDS = [
  { hashedEmail: "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d", userIdentifierSource: "FIRST_PARTY" },
  { hashedPhoneNumber: "40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0", userIdentifierSource: "FIRST_PARTY" },
];
const PURCHASE = {
  conversionAction: "customers/1234567890/conversionActions/555000111",
  gclid: "Cj0KCQjw_EXAMPLE_GCLID",
  conversionDateTime: "2026-06-01 12:00:00+00:00",
  conversionValue: 129.99,
  currencyCode: "USD",
  orderId: "ord_1001",
  userIdentifiers: IDS,
  consent: { adUserData: "GRANTED" },
};
const LEAD = {
  conversionAction: "customers/1234567890/conversionActions/555000222",
  conversionDateTime: "2026-06-01 12:00:00+00:00",
  conversionValue: 500,
  currencyCode: "USD",
  orderId: "lead_2001",
  userIdentifiers: IDS,
  consent: { adUserData: "GRANTED" },
};
const gclid = { click_ids: { gclid: "Cj0KCQjw_EXAMPLE_GCLID" } };
const PLAN = { purchase_completed: "555000111", lead_submitted: "customers/1234567890/conversionActions/555000222" };

export const googleAdsContract: ContractModule = {
  type: "google_ads",
  settings: {
    customer_id: "123-456-7890",
    developer_token: "GADS_DEV_TOKEN",
    client_id: "GADS_CLIENT_ID",
    client_secret: "GADS_CLIENT_SECRET",
    refresh_token: "GADS_REFRESH_TOKEN",
  },
  secrets: {
    GADS_DEV_TOKEN: "devtoken_test_0123456789",
    GADS_CLIENT_ID: "client-id.apps.googleusercontent.com",
    GADS_CLIENT_SECRET: "client_secret_test_0123456789",
    GADS_REFRESH_TOKEN: "1//refresh_test_0123456789",
  },
  accessToken: "ya29.test-access-token",
  plan: PLAN,
  cases: [
    {
      name: "uploads a purchase with its gclid, value, orderId, hashed identifiers and partialFailure",
      events: [purchaseEvent(gclid)],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { conversions: [PURCHASE], partialFailure: true } }] },
    },
    {
      name: "uploads a lead without a click id as an enhanced conversion for leads",
      events: [leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { conversions: [LEAD], partialFailure: true } }] },
    },
    {
      name: "sends exactly one click id: gbraid when there is no gclid",
      events: [purchaseEvent({ click_ids: { gbraid: "GBRAID_EXAMPLE", wbraid: "WBRAID_EXAMPLE" } })],
      expect: {
        requests: [{ method: "POST", url: URL, body: { conversions: [{ ...PURCHASE, gclid: undefined, gbraid: "GBRAID_EXAMPLE" }], partialFailure: true } }],
      },
    },
    {
      name: "skips a minimal event with neither a click id nor an identifier, with the reason",
      events: [minimalEvent()],
      plan: { signup_completed: "555000333" },
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "no gclid/gbraid/wbraid and no email or phone" }] },
    },
    {
      name: "skips events without a click id when enhanced conversions for leads are off",
      events: [leadEvent()],
      settings: { enhanced_conversions_for_leads: false },
      expect: { requests: [], skipped: [{ event_id: "evt_lead_0001", reason: "no gclid/gbraid/wbraid" }] },
    },
    {
      name: "sends nothing when ads consent is denied",
      events: [purchaseEvent({ ...gclid, consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "validates only in test mode and adds login-customer-id for a manager account",
      events: [purchaseEvent(gclid)],
      settings: { mode: "test", login_customer_id: "111-222-3333" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            headers: { ...HEADERS, "login-customer-id": "1112223333" },
            body: { conversions: [PURCHASE], partialFailure: true, validateOnly: true },
          },
        ],
      },
    },
    {
      name: "dead-letters only the rows named in partialFailureError",
      events: [purchaseEvent(gclid), leadEvent()],
      responses: [
        {
          status: 200,
          body: JSON.stringify({
            results: [{}, {}],
            partialFailureError: {
              code: 3,
              message: "1 error",
              details: [{ errors: [{ message: "The click is too old", location: { fieldPathElements: [{ fieldName: "conversions", index: 1 }] } }] }],
            },
          }),
        },
      ],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "ok", evt_lead_0001: "drop" } },
    },
    {
      name: "retries quota exhaustion and dead-letters an unauthenticated call as auth",
      events: [purchaseEvent(gclid)],
      responses: [{ status: 429, body: '{"error":{"status":"RESOURCE_EXHAUSTED"}}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "retry" } },
    },
    {
      name: "classifies 401 UNAUTHENTICATED as auth",
      events: [purchaseEvent(gclid)],
      responses: [{ status: 401, body: '{"error":{"status":"UNAUTHENTICATED"}}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "auth" } },
    },
  ],
};
