/** Contract of HubSpot: contact batch upsert, behavioral events, form submission with hutk, rule-created tasks. */
import { DENIED, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const API = "https://api.hubapi.com";
const TOKEN = "pat-test-contract-0000";
const AUTH = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const FORM = "1a2b3c4d-0000-4000-8000-00000000f0f0";
const UTK = "0123456789abcdef0123456789abcdef";
const EMAIL = "jane.doe@example.com";

const JANE = {
  email: EMAIL,
  phone: "+14155550100",
  firstname: "Jane",
  lastname: "Doe",
  city: "San Francisco",
  state: "CA",
  zip: "94107",
  country: "US",
};
const upsert = (properties: Record<string, string>) => ({
  method: "POST",
  url: `${API}/crm/v3/objects/contacts/batch/upsert`,
  headers: AUTH,
  body: { inputs: [{ idProperty: "email", id: EMAIL, properties }] },
});
const touch = (which: "first" | "last") => ({
  [`tagwire_${which}_utm_source`]: "newsletter",
  [`tagwire_${which}_utm_medium`]: "email",
  [`tagwire_${which}_utm_campaign`]: "spring",
  [`tagwire_${which}_click_id`]: "gclid:Cj0KCQjw_test",
  [`tagwire_${which}_page_url`]: "https://shop.example.com/checkout/complete",
  [`tagwire_${which}_referrer`]: "https://shop.example.com/checkout",
  [`tagwire_${which}_touch_at`]: "2026-06-01T12:00:00.000Z",
});
const READ = {
  method: "POST",
  url: `${API}/crm/v3/objects/contacts/batch/read`,
  headers: AUTH,
  body: { idProperty: "email", properties: ["email", "tagwire_first_touch_at"], inputs: [{ id: EMAIL }] },
};

const HOT_LEAD = {
  name: "hot_lead",
  when: { all: [{ field: "name", op: "eq", value: "lead_submitted" }, { field: "properties.score", op: "gt", value: 80 }] },
  then: {
    destination: "dest",
    action: "create_task",
    owner_id: "7001",
    subject: "Hot lead: {{user.first_name}} {{user.last_name}} ({{user.email|anonymous_id}}) scored {{properties.score}}",
  },
};
const task = (subject: string, eventId: string, contactId?: string) => ({
  method: "POST",
  url: `${API}/crm/v3/objects/tasks`,
  headers: AUTH,
  body: {
    properties: {
      hs_timestamp: "2026-06-01T12:00:00.000Z",
      hs_task_subject: subject,
      hs_task_body: `Created by Tagwire rule hot_lead from lead_submitted ${eventId}.`,
      hs_task_status: "NOT_STARTED",
      hs_task_priority: "HIGH",
      hs_task_type: "TODO",
      hubspot_owner_id: "7001",
      tagwire_task_key: `${eventId}:hot_lead`,
    },
    ...(contactId
      ? { associations: [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 204 }] }] }
      : {}),
  },
});

/** The search that precedes every task create, so a retry never creates the task twice. */
const taskSearch = (eventId: string) => ({
  method: "POST",
  url: `${API}/crm/v3/objects/tasks/search`,
  headers: AUTH,
  body: {
    filterGroups: [{ filters: [{ propertyName: "tagwire_task_key", operator: "EQ", value: `${eventId}:hot_lead` }] }],
    properties: ["tagwire_task_key"],
    limit: 1,
  },
});

export const hubspotContract: ContractModule = {
  type: "hubspot",
  settings: { token: "HUBSPOT_TOKEN", portal_id: "12345678", behavioral_events: true },
  secrets: { HUBSPOT_TOKEN: TOKEN },
  plan: { purchase_completed: "purchase_completed" },
  cases: [
    {
      name: "upserts the buyer by email with clear-text traits and sends the purchase as a behavioral event",
      events: [purchaseEvent()],
      expect: {
        requests: [
          upsert(JANE),
          {
            method: "POST",
            url: `${API}/events/v3/send`,
            headers: AUTH,
            body: {
              eventName: "pe12345678_purchase_completed",
              email: EMAIL,
              occurredAt: "2026-06-01T12:00:00.000Z",
              properties: { order_id: "ord_1001", value: 129.99, currency: "USD" },
            },
          },
        ],
      },
    },
    {
      name: "creates the hot-lead task on the upserted contact, then sends the event and the form with hutk",
      events: [leadEvent({ context: { cookies: { hubspotutk: UTK } } })],
      settings: { form_guid: FORM },
      rules: [HOT_LEAD],
      responses: [{ status: 200, body: JSON.stringify({ status: "COMPLETE", results: [{ id: "101", new: false, properties: { email: EMAIL } }] }) }],
      expect: {
        requests: [
          upsert(JANE),
          taskSearch("evt_lead_0001"),
          task("Hot lead: Jane Doe (Jane.Doe@Example.com) scored 91", "evt_lead_0001", "101"),
          {
            method: "POST",
            url: `${API}/events/v3/send`,
            body: {
              eventName: "pe12345678_lead_submitted",
              email: EMAIL,
              utk: UTK,
              occurredAt: "2026-06-01T12:00:00.000Z",
              properties: { lead_id: "lead_2001", score: 91, company: "Acme" },
            },
          },
          {
            method: "POST",
            url: `https://api.hsforms.com/submissions/v3/integration/submit/12345678/${FORM}`,
            headers: { "content-type": "application/json" },
            body: {
              submittedAt: "1780315200000",
              fields: Object.entries(JANE).map(([name, value]) => ({ objectTypeId: "0-1", name, value })),
              context: { hutk: UTK, ipAddress: "203.0.113.10", pageUri: "https://shop.example.com/checkout/complete", pageName: "Order complete" },
            },
          },
        ],
        outcomes: { evt_lead_0001: "ok" },
      },
    },
    {
      name: "associates the task with the only contact of an upsert answer that does not echo the email",
      events: [leadEvent()],
      settings: { behavioral_events: false },
      rules: [HOT_LEAD],
      responses: [{ status: 200, body: JSON.stringify({ status: "COMPLETE", results: [{ id: "202", new: true, properties: {} }] }) }],
      expect: { requests: [upsert(JANE), taskSearch("evt_lead_0001"), task("Hot lead: Jane Doe (Jane.Doe@Example.com) scored 91", "evt_lead_0001", "202")] },
    },
    {
      name: "creates no task for a lead scored exactly 80",
      events: [leadEvent({ properties: { lead_id: "lead_2001", score: 80 } })],
      settings: { behavioral_events: false },
      rules: [HOT_LEAD],
      expect: { requests: [upsert(JANE)] },
    },
    {
      name: "creates the task unassociated when the lead has no email",
      events: [minimalEvent({ event_id: "evt_lead_0002", name: "lead_submitted", properties: { lead_id: "lead_2002", score: 95 } })],
      settings: { behavioral_events: false },
      rules: [HOT_LEAD],
      expect: { requests: [taskSearch("evt_lead_0002"), task("Hot lead: (01970a5e-2f00-7000-8000-000000000001) scored 95", "evt_lead_0002")] },
    },
    {
      name: "creates no task when the search finds one with the same key (an earlier create whose answer was lost)",
      events: [leadEvent()],
      settings: { behavioral_events: false },
      rules: [HOT_LEAD],
      responses: [
        { status: 200, body: JSON.stringify({ results: [{ id: "101", properties: { email: EMAIL } }] }) },
        { status: 200, body: JSON.stringify({ total: 1, results: [{ id: "9001", properties: { tagwire_task_key: "evt_lead_0001:hot_lead" } }] }) },
      ],
      expect: { requests: [upsert(JANE), taskSearch("evt_lead_0001")], outcomes: { evt_lead_0001: "ok" } },
    },
    {
      name: "creates the task without a search when task_key_property is turned off",
      events: [minimalEvent({ event_id: "evt_lead_0002", name: "lead_submitted", properties: { lead_id: "lead_2002", score: 95 } })],
      settings: { behavioral_events: false, task_key_property: "" },
      rules: [HOT_LEAD],
      expect: { requests: [{ method: "POST", url: `${API}/crm/v3/objects/tasks` }] },
    },
    {
      name: "upserts an identified user's traits",
      events: [minimalEvent({ name: "user_identified", user: { email: "Jane.Doe@Example.com ", first_name: "Jane" } })],
      settings: { behavioral_events: false },
      expect: { requests: [upsert({ email: EMAIL, firstname: "Jane" })] },
    },
    {
      name: "sets first- and last-touch source properties when the contact has no first touch yet",
      events: [purchaseEvent({ click_ids: { gclid: "Cj0KCQjw_test" } })],
      settings: { behavioral_events: false, touch_properties: true },
      responses: [{ status: 207, body: JSON.stringify({ status: "COMPLETE", results: [], numErrors: 1 }) }],
      expect: { requests: [READ, upsert({ ...JANE, ...touch("last"), ...touch("first") })] },
    },
    {
      name: "keeps an existing first touch and only updates the last touch",
      events: [purchaseEvent({ click_ids: { gclid: "Cj0KCQjw_test" } })],
      settings: { behavioral_events: false, touch_properties: true },
      responses: [
        {
          status: 200,
          body: JSON.stringify({ results: [{ id: "101", properties: { email: EMAIL, tagwire_first_touch_at: "2026-05-01T08:00:00.000Z" } }] }),
        },
      ],
      expect: { requests: [READ, upsert({ ...JANE, ...touch("last") })] },
    },
    {
      name: "sends nothing for an event without email, hubspotutk or task",
      events: [minimalEvent()],
      expect: { requests: [], skipped: [{ event_id: "evt_min_0001", reason: "needs an email or the hubspotutk cookie" }] },
    },
    {
      name: "sends nothing for an event whose analytics consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "retries when HubSpot answers 429",
      events: [purchaseEvent()],
      settings: { behavioral_events: false },
      responses: [{ status: 429, body: '{"status":"error","category":"RATE_LIMITS"}' }],
      expect: { requests: [upsert(JANE)], outcomes: { evt_purchase_0001: "retry" } },
    },
  ],
};
