/**
 * Non-idempotent CRM writes happen once across retries: a retry carries what its attempt achieved
 * (`progressToCarry`) and sends only what failed; HubSpot tasks are searched by key before they are created;
 * Salesforce Leads are upserted by event_id. The vendors here are stateful doubles that keep what they were sent.
 */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { deliver, progressToCarry, type DeliveryDeps, type ProgressByEvent } from "../../src/delivery/deliver.ts";
import { leadEvent } from "../contracts/fixture.ts";

const NOW = Date.parse("2026-06-01T12:05:00Z");
const HOT = {
  name: "hot_lead",
  when: { field: "properties.score", op: "gt", value: 80 },
  then: { destination: "crm", action: "create_task", owner_id: "7001", subject: "Hot lead {{properties.score}}" },
};

/** HubSpot as far as these tests need it: contacts by email, tasks searchable by a property, behavioural events. */
function fakeHubSpot() {
  const tasks: Record<string, string>[] = [];
  const events: unknown[] = [];
  const calls: string[] = [];
  /** Scripted answers per path, consumed first; "timeout" stores the write and then loses the answer. */
  const script = new Map<string, (number | "timeout")[]>();
  const fetch = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    calls.push(path);
    const body = JSON.parse(await req.text()) as Record<string, any>;
    const next = script.get(path)?.shift();
    if (typeof next === "number") return new Response('{"status":"error"}', { status: next });
    if (path.endsWith("/contacts/batch/upsert")) {
      return Response.json({ results: [{ id: "501", properties: { email: body.inputs[0].id } }] });
    }
    if (path.endsWith("/tasks/search")) {
      const f = body.filterGroups[0].filters[0];
      const hits = tasks.filter((t) => t[f.propertyName] === f.value);
      return Response.json({ total: hits.length, results: hits.map((t, i) => ({ id: String(9000 + i), properties: t })) });
    }
    if (path.endsWith("/objects/tasks")) tasks.push(body.properties);
    if (path.endsWith("/events/v3/send")) events.push(body);
    if (next === "timeout") throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    return Response.json({ id: "1" }, { status: 201 });
  };
  return { tasks, events, calls, script, fetch };
}

function deps(fetch: (r: Request) => Promise<Response>, destinations: Record<string, unknown>, rules: unknown[] = []): DeliveryDeps {
  const cfg = Config.parse({ prefix: "", destinations, rules });
  return { cfg, secret: (n) => `${n.toLowerCase()}-value-0000`, now: () => NOW, fetch };
}

const hubspot = { crm: { type: "hubspot", token: "HS_TOKEN", portal_id: "12345678", behavioral_events: true } };

describe("HubSpot: a retry sends only what failed", () => {
  it("replays a delivery whose behavioural event got 503 after the upsert and the task succeeded: one task", async () => {
    const hs = fakeHubSpot();
    hs.script.set("/events/v3/send", [503]);
    const d = deps(hs.fetch, hubspot, [HOT]);
    const first = await deliver("crm", [leadEvent()], d);
    expect(first).toEqual([expect.objectContaining({ event_id: "evt_lead_0001", kind: "retry", status: 503 })]);
    expect(hs.calls).toEqual([
      "/crm/v3/objects/contacts/batch/upsert",
      "/crm/v3/objects/tasks/search",
      "/crm/v3/objects/tasks",
      "/events/v3/send",
    ]);

    const carried: ProgressByEvent = JSON.parse(JSON.stringify(progressToCarry(first)));
    expect(carried.evt_lead_0001?.done).toEqual(["contact", "task:hot_lead", "task:hot_lead:create"]);
    hs.calls.length = 0;
    const retry = await deliver("crm", [leadEvent()], d, carried);
    expect(retry).toEqual([expect.objectContaining({ event_id: "evt_lead_0001", kind: "ok" })]);
    expect(hs.calls).toEqual(["/events/v3/send"]);
    expect(hs.tasks).toHaveLength(1);
    expect(hs.tasks[0]!.tagwire_task_key).toBe("evt_lead_0001:hot_lead");
    expect(hs.events).toHaveLength(1);
  });

  it("resends the idempotent upsert but not the done behavioural event when the task failed", async () => {
    const hs = fakeHubSpot();
    hs.script.set("/crm/v3/objects/tasks", [502]);
    const d = deps(hs.fetch, hubspot, [HOT]);
    const first = await deliver("crm", [leadEvent()], d);
    expect(first[0]).toMatchObject({ kind: "retry", progress: { done: ["event"] } });
    hs.calls.length = 0;
    const retry = await deliver("crm", [leadEvent()], d, progressToCarry(first));
    expect(retry[0]).toMatchObject({ kind: "ok" });
    expect(hs.calls).toEqual(["/crm/v3/objects/contacts/batch/upsert", "/crm/v3/objects/tasks/search", "/crm/v3/objects/tasks"]);
    expect(hs.tasks).toHaveLength(1);
    expect(hs.events).toHaveLength(1);
  });

  it("finds the task a timed-out create made, and does not create it again", async () => {
    const hs = fakeHubSpot();
    hs.script.set("/crm/v3/objects/tasks", ["timeout"]);
    const d = deps(hs.fetch, { crm: { ...hubspot.crm, behavioral_events: false } }, [HOT]);
    const first = await deliver("crm", [leadEvent()], d);
    expect(first[0]).toMatchObject({ kind: "retry", status: 0 });
    expect(hs.tasks).toHaveLength(1);
    // Even without the carried progress (a redelivery of the whole message), the search stops the second create.
    const again = await deliver("crm", [leadEvent()], d);
    expect(again[0]).toMatchObject({ kind: "ok" });
    expect(hs.tasks).toHaveLength(1);
  });
});

describe("Salesforce: one Lead per event, whatever happens to the answer", () => {
  /** Salesforce's Lead store: POST creates, PATCH on the External ID field upserts. */
  function fakeSalesforce(loseFirstAnswer: boolean) {
    const leads = new Map<string, Record<string, unknown>>();
    let created = 0;
    let lose = loseFirstAnswer;
    const fetch = async (req: Request): Promise<Response> => {
      const url = new URL(req.url);
      if (url.pathname.endsWith("/oauth2/token")) return Response.json({ access_token: "sf-token" });
      const body = JSON.parse(await req.text()) as Record<string, unknown>;
      const m = /\/sobjects\/Lead\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      const key = m ? `${m[1]}=${decodeURIComponent(m[2]!)}` : `new-${++created}`;
      const existed = leads.has(key);
      leads.set(key, { ...leads.get(key), ...body });
      if (lose) {
        lose = false;
        throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      }
      return Response.json({ id: "00Q1", success: true, created: !existed }, { status: existed ? 200 : 201 });
    };
    return { leads, fetch };
  }
  const salesforce = (extra: Record<string, unknown> = {}) => ({
    sf: { type: "salesforce", instance_url: "https://acme.my.salesforce.com", client_id: "SF_ID", client_secret: "SF_SECRET", ...extra },
  });

  it("a timeout after Salesforce stored the Lead, then the retry: one Lead", async () => {
    const sf = fakeSalesforce(true);
    const d = deps(sf.fetch, salesforce());
    const first = await deliver("sf", [leadEvent()], d);
    expect(first[0]).toMatchObject({ kind: "retry", status: 0 });
    const retry = await deliver("sf", [leadEvent()], d, progressToCarry(first));
    expect(retry[0]).toMatchObject({ kind: "ok", status: 200 });
    expect([...sf.leads.keys()]).toEqual(["Tagwire_Event_Id__c=evt_lead_0001"]);
  });

  it("a redelivered message (the same event delivered twice): one Lead", async () => {
    const sf = fakeSalesforce(false);
    const d = deps(sf.fetch, salesforce());
    await deliver("sf", [leadEvent()], d);
    await deliver("sf", [leadEvent()], d);
    expect(sf.leads.size).toBe(1);
  });
});
