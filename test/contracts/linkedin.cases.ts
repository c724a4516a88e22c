/** Contract of the LinkedIn Conversions API: one BATCH_CREATE of conversion events, versioned headers. */
import { DENIED, EVENT_TIME, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const URL = "https://api.linkedin.com/rest/conversionEvents";
const HEADERS = {
  authorization: "Bearer li-contract-token-0001",
  "content-type": "application/json",
  "linkedin-version": "202603",
  "x-restli-protocol-version": "2.0.0",
  "x-restli-method": "BATCH_CREATE",
};
const AT_MS = Date.parse(EVENT_TIME);
const EMAIL_ID = { idType: "SHA256_EMAIL", idValue: "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d" };
const FAT_ID = { idType: "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID", idValue: "li-fat-contract-0001" };

const purchaseElement = {
  conversion: "urn:lla:llaPartnerConversion:1234567",
  conversionHappenedAt: AT_MS,
  conversionValue: { currencyCode: "USD", amount: "129.99" },
  eventId: "evt_purchase_0001",
  user: { userIds: [EMAIL_ID, FAT_ID] },
};
const leadElement = {
  conversion: "urn:lla:llaPartnerConversion:7654321",
  conversionHappenedAt: AT_MS,
  conversionValue: { currencyCode: "USD", amount: "500" },
  eventId: "evt_lead_0001",
  user: { userIds: [EMAIL_ID] },
};

export const linkedinContract: ContractModule = {
  type: "linkedin",
  settings: { access_token: "LINKEDIN_TOKEN" },
  secrets: { LINKEDIN_TOKEN: "li-contract-token-0001" },
  plan: { purchase_completed: "1234567", lead_submitted: "urn:lla:llaPartnerConversion:7654321" },
  cases: [
    {
      name: "sends a purchase to its conversion rule with the hashed email, the li_fat_id and the value as a string",
      events: [purchaseEvent({ click_ids: { li_fat_id: "li-fat-contract-0001" } })],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { elements: [purchaseElement] } }] },
    },
    {
      name: "sends a lead to the rule its full URN names, with the estimated value",
      events: [leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { elements: [leadElement] } }] },
    },
    {
      name: "batches a purchase and a lead into one request, in order",
      events: [purchaseEvent({ click_ids: { li_fat_id: "li-fat-contract-0001" } }), leadEvent()],
      expect: { requests: [{ method: "POST", url: URL, headers: HEADERS, body: { elements: [purchaseElement, leadElement] } }] },
    },
    {
      name: "adds clear-text names as userInfo only when send_names is on",
      events: [leadEvent()],
      settings: { send_names: true },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              elements: [
                { ...leadElement, user: { userIds: [EMAIL_ID], userInfo: { firstName: "Jane", lastName: "Doe", countryCode: "US" } } },
              ],
            },
          },
        ],
      },
    },
    {
      name: "sends a minimal event that only carries an li_fat_id, without a value",
      events: [minimalEvent({ click_ids: { li_fat_id: "li-fat-contract-0001" } })],
      plan: { signup_completed: "1111111" },
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            body: {
              elements: [
                {
                  conversion: "urn:lla:llaPartnerConversion:1111111",
                  conversionHappenedAt: AT_MS,
                  eventId: "evt_min_0001",
                  user: { userIds: [FAT_ID] },
                },
              ],
            },
          },
        ],
      },
    },
    {
      name: "skips a minimal event with no user id of any kind instead of sending it broken",
      events: [minimalEvent()],
      plan: { signup_completed: "1111111" },
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "LinkedIn needs a user id" }] },
    },
    {
      name: "skips an event mapped to something that is not a conversion rule",
      events: [purchaseEvent()],
      plan: { purchase_completed: "Purchase" },
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "conversion rule id" }] },
    },
    {
      name: "sends nothing for an event whose ads consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "posts to the endpoint override instead of api.linkedin.com",
      events: [leadEvent()],
      settings: { endpoint: "https://li-relay.example.com/" },
      expect: { requests: [{ method: "POST", url: "https://li-relay.example.com/rest/conversionEvents", body: { elements: [leadElement] } }] },
    },
    {
      name: "reads each event's status from a batch answer: 201 ok, 422 dropped",
      events: [purchaseEvent(), leadEvent()],
      responses: [{ status: 200, body: '{"elements":[{"status":201},{"status":422,"error":{"message":"bad user"}}]}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "ok", evt_lead_0001: "drop" } },
    },
    {
      name: "classifies an expired token (401) as auth",
      events: [purchaseEvent()],
      responses: [{ status: 401, body: '{"message":"Expired access token"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "auth" } },
    },
    {
      name: "classifies throttling (429) as retry",
      events: [purchaseEvent()],
      responses: [{ status: 429, body: '{"message":"Too many requests"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "retry" } },
    },
    {
      name: "classifies a rejected payload (422) as drop",
      events: [purchaseEvent()],
      responses: [{ status: 422, body: '{"message":"userIds required"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "drop" } },
    },
  ],
};
