/** End to end through the Worker: a hot lead creates a HubSpot task for sales; a lead at the threshold does not. */
import { describe, expect, it } from "vitest";
import { bucket, configCopy, doubleRequests, scriptDouble, send, testEnv } from "../helpers/worker.ts";

const TOKEN = "pat-test-e2e-0000";
const UTK = "0123456789abcdef0123456789abcdef";
const FORM = "1a2b3c4d-0000-4000-8000-00000000f0f0";

function hubspotConfig(b: string) {
  const c = configCopy();
  c.destinations = {
    crm: { type: "hubspot", endpoint: `${testEnv.DOUBLE_BASE}/${b}`, token: "HUBSPOT_TEST_TOKEN", portal_id: "12345678", form_guid: FORM },
  };
  c.rules = [
    {
      name: "hot_lead_task",
      when: { all: [{ field: "name", op: "eq", value: "lead_submitted" }, { field: "properties.score", op: "gt", value: 80 }] },
      then: {
        destination: "crm",
        action: "create_task",
        owner_id: "7001",
        subject: "Hot lead: {{user.first_name}} {{user.last_name}} <{{user.email}}> scored {{properties.score}}",
      },
    },
  ];
  return c;
}

const lead = (score: number) => ({
  name: "lead_submitted",
  properties: { lead_id: "lead_2001", score },
  traits: { email: "jane.doe@example.com", first_name: "Jane", last_name: "Doe" },
});

const opts = (b: string) => ({
  config: hubspotConfig(b),
  extraEnv: { HUBSPOT_TEST_TOKEN: TOKEN },
  headers: { cookie: `hubspotutk=${UTK}` },
});

describe("HubSpot through the Worker", () => {
  it("creates a task due now, for the configured owner, on the lead's contact when the score is above 80", async () => {
    const b = bucket();
    await scriptDouble(b, [{ status: 200, body: JSON.stringify({ status: "COMPLETE", results: [{ id: "501", properties: { email: "jane.doe@example.com" } }] }), times: 1 }]);
    const before = Date.now();
    const res = await send(lead(91), opts(b));
    expect(res.status).toBe(202);
    const sent = await doubleRequests(b);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /${b}/crm/v3/objects/contacts/batch/upsert`,
      `POST /${b}/crm/v3/objects/tasks/search`,
      `POST /${b}/crm/v3/objects/tasks`,
      `POST /${b}/submissions/v3/integration/submit/12345678/${FORM}`,
    ]);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(sent[0]!.body).inputs[0]).toMatchObject({ idProperty: "email", id: "jane.doe@example.com" });
    const task = JSON.parse(sent[2]!.body);
    expect(task.properties).toMatchObject({
      hs_task_subject: "Hot lead: Jane Doe <jane.doe@example.com> scored 91",
      hubspot_owner_id: "7001",
      hs_task_status: "NOT_STARTED",
    });
    const due = Date.parse(task.properties.hs_timestamp);
    expect(due).toBeGreaterThanOrEqual(before - 1000);
    expect(due).toBeLessThanOrEqual(Date.now());
    expect(task.associations).toEqual([{ to: { id: "501" }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 204 }] }]);
    expect(sent[3]!.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent[3]!.body).context.hutk).toBe(UTK);
  });

  it("creates no task for a lead scored exactly 80", async () => {
    const b = bucket();
    const res = await send(lead(80), opts(b));
    expect(res.status).toBe(202);
    const paths = (await doubleRequests(b)).map((r) => r.path);
    expect(paths).toContain(`/${b}/crm/v3/objects/contacts/batch/upsert`);
    expect(paths).not.toContain(`/${b}/crm/v3/objects/tasks`);
  });
});
