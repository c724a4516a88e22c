/** Contract of Salesforce: REST Lead upsert by event_id with a client-credentials token, field mapping, Web-to-Lead. */
import { DENIED, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const INSTANCE = "https://acme.my.salesforce.com";
const LEADS = `${INSTANCE}/services/data/v67.0/sobjects/Lead`;
/** Upserted by event_id on the External ID field, so a retry updates the same Lead. */
const upsertUrl = (eventId: string) => `${LEADS}/Tagwire_Event_Id__c/${eventId}`;
const AUTH = { authorization: "Bearer sf-test-access-token", "content-type": "application/json" };
const JANE = {
  FirstName: "Jane",
  LastName: "Doe",
  Email: "jane.doe@example.com",
  Phone: "+14155550100",
  City: "San Francisco",
  State: "CA",
  PostalCode: "94107",
  Country: "US",
  LeadSource: "Web",
};
const CREATED = { status: 201, body: '{"id":"00Q000000000001AAA","errors":[],"success":true}' };

export const salesforceContract: ContractModule = {
  type: "salesforce",
  settings: { method: "rest", instance_url: INSTANCE, client_id: "SF_CLIENT_ID", client_secret: "SF_CLIENT_SECRET" },
  secrets: { SF_CLIENT_ID: "test-consumer-key", SF_CLIENT_SECRET: "test-consumer-secret" },
  accessToken: "sf-test-access-token",
  plan: { purchase_completed: "Lead" },
  cases: [
    {
      name: "creates a Lead for a mapped purchase with the default Company",
      events: [purchaseEvent()],
      responses: [CREATED],
      expect: {
        requests: [
          {
            method: "PATCH",
            url: upsertUrl("evt_purchase_0001"),
            headers: AUTH,
            body: { ...JANE, Company: "Unknown", Description: "purchase_completed evt_purchase_0001 129.99 USD" },
          },
        ],
        outcomes: { evt_purchase_0001: "ok" },
      },
    },
    {
      name: "creates a Lead for a submitted lead, Company from its properties",
      events: [leadEvent()],
      responses: [CREATED],
      expect: {
        requests: [{ method: "PATCH", url: upsertUrl("evt_lead_0001"), headers: AUTH, body: { ...JANE, Company: "Acme", Description: "lead_submitted evt_lead_0001 500 USD" } }],
      },
    },
    {
      name: "maps Lead fields from config, removes a default and renders the description template",
      events: [leadEvent({ properties: { lead_id: "lead_2001", score: 91, company: "Acme", job_title: "CTO" } })],
      settings: {
        fields: { Title: "properties.job_title", Lead_Score__c: "properties.score", Phone: "" },
        lead_source: "Tagwire",
        description: "Lead {{properties.lead_id}} from {{page.url}}",
      },
      expect: {
        requests: [
          {
            method: "PATCH",
            url: upsertUrl("evt_lead_0001"),
            body: {
              FirstName: "Jane",
              LastName: "Doe",
              Email: "jane.doe@example.com",
              Company: "Acme",
              City: "San Francisco",
              State: "CA",
              PostalCode: "94107",
              Country: "US",
              Title: "CTO",
              Lead_Score__c: 91,
              LeadSource: "Tagwire",
              Description: "Lead lead_2001 from https://shop.example.com/checkout/complete",
            },
          },
        ],
      },
    },
    {
      name: "fills the required LastName and Company of a minimal event",
      events: [minimalEvent()],
      plan: { signup_completed: "Lead" },
      expect: {
        requests: [
          { method: "PATCH", url: upsertUrl("evt_min_0001"), body: { LastName: "Unknown", Company: "Unknown", LeadSource: "Web", Description: "signup_completed evt_min_0001" } },
        ],
      },
    },
    {
      name: "creates the Lead with a plain POST when the External ID field is turned off",
      events: [leadEvent()],
      settings: { external_id_field: "" },
      responses: [CREATED],
      expect: { requests: [{ method: "POST", url: LEADS, headers: AUTH, body: { ...JANE, Company: "Acme", Description: "lead_submitted evt_lead_0001 500 USD" } }] },
    },
    {
      name: "escapes the event_id in the upsert path, a dot included",
      events: [leadEvent({ event_id: "order.1001:a" })],
      responses: [CREATED],
      expect: { requests: [{ method: "PATCH", url: `${LEADS}/Tagwire_Event_Id__c/order%2E1001%3Aa` }] },
    },
    {
      name: "posts a form to Web-to-Lead with the Org ID and no token",
      events: [leadEvent()],
      settings: { method: "web_to_lead", oid: "00D000000000001", instance_url: undefined, client_id: undefined, client_secret: undefined },
      expect: {
        requests: [
          {
            method: "POST",
            url: "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body:
              "oid=00D000000000001&first_name=Jane&last_name=Doe&email=jane.doe%40example.com&phone=%2B14155550100&company=Acme" +
              "&city=San+Francisco&state=CA&zip=94107&country=US&lead_source=Web&description=lead_submitted+evt_lead_0001+500+USD",
          },
        ],
      },
    },
    {
      name: "sends nothing for an event whose analytics consent is denied",
      events: [leadEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_lead_0001", reason: "consent" }] },
    },
    {
      name: "drops a Lead Salesforce rejects as invalid",
      events: [leadEvent()],
      responses: [{ status: 400, body: '[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING"}]' }],
      expect: { requests: [{ method: "PATCH", url: upsertUrl("evt_lead_0001") }], outcomes: { evt_lead_0001: "drop" } },
    },
    {
      name: "treats an expired session as an auth failure",
      events: [leadEvent()],
      responses: [{ status: 401, body: '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]' }],
      expect: { requests: [{ method: "PATCH", url: upsertUrl("evt_lead_0001") }], outcomes: { evt_lead_0001: "auth" } },
    },
    {
      name: "retries after an hour when the daily API limit is spent",
      events: [leadEvent()],
      responses: [{ status: 403, body: '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]' }],
      expect: { requests: [{ method: "PATCH", url: upsertUrl("evt_lead_0001") }], outcomes: { evt_lead_0001: "retry" } },
    },
  ],
};
