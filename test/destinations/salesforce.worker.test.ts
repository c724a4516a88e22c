/** End to end through the Worker: a submitted lead becomes a Salesforce Lead via a client-credentials token. */
import { describe, expect, it } from "vitest";
import { bucket, configCopy, doubleRequests, scriptDouble, send, testEnv } from "../helpers/worker.ts";

describe("Salesforce through the Worker", () => {
  it("exchanges the client credentials, then upserts the Lead by its event_id with the token", async () => {
    const b = bucket();
    const id = `evt_${crypto.randomUUID()}`;
    const c = configCopy();
    c.destinations = {
      sf: { type: "salesforce", endpoint: `${testEnv.DOUBLE_BASE}/${b}`, client_id: "SF_TEST_ID", client_secret: "SF_TEST_SECRET" },
    };
    await scriptDouble(b, [
      { status: 200, body: JSON.stringify({ access_token: "sf-e2e-token", instance_url: "https://acme.my.salesforce.com" }), times: 1 },
      { status: 201, body: '{"id":"00Q000000000001AAA","success":true,"errors":[]}' },
    ]);
    const res = await send(
      { name: "lead_submitted", event_id: id, properties: { lead_id: "lead_2001", score: 91 }, traits: { email: "jane.doe@example.com", last_name: "Doe" } },
      { config: c, extraEnv: { SF_TEST_ID: "test-consumer-key", SF_TEST_SECRET: "test-consumer-secret" } },
    );
    expect(res.status).toBe(202);
    const sent = await doubleRequests(b);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /${b}/services/oauth2/token`,
      `PATCH /${b}/services/data/v67.0/sobjects/Lead/Tagwire_Event_Id__c/${id}`,
    ]);
    expect(sent[0]!.body).toBe("grant_type=client_credentials&client_id=test-consumer-key&client_secret=test-consumer-secret");
    expect(sent[1]!.headers.authorization).toBe("Bearer sf-e2e-token");
    expect(JSON.parse(sent[1]!.body)).toMatchObject({ LastName: "Doe", Email: "jane.doe@example.com", Company: "Unknown", LeadSource: "Web" });
  });
});
