/** How delivery runs HubSpot's dependent requests and routing rules: follow-ups, dry run, one result per event. */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { deliver, type RecordedRequest } from "../../src/delivery/deliver.ts";
import { leadEvent } from "../contracts/fixture.ts";

const HOT = {
  name: "hot_lead",
  when: { field: "properties.score", op: "gt", value: 80 },
  then: { destination: "crm", action: "create_task", owner_id: "7001", subject: "Hot lead {{properties.score}}" },
};

function run(mode: string, statuses: number[], rules: unknown[] = [HOT]) {
  const cfg = Config.parse({
    prefix: "",
    destinations: {
      crm: { type: "hubspot", token: "HS_TOKEN", mode },
      hook: { type: "webhook", url: "https://hooks.example.com/x", secret: "HOOK_SECRET", mode },
    },
    rules,
  });
  const sent: string[] = [];
  const recorded: RecordedRequest[] = [];
  const deps = {
    cfg,
    secret: (n: string) => (n === "HS_TOKEN" ? "pat-test-0000" : "whsec_test_0000"),
    now: () => Date.parse("2026-06-01T12:05:00Z"),
    record: (r: RecordedRequest) => void recorded.push(r),
    fetch: async (req: Request) => {
      sent.push(new URL(req.url).pathname);
      return new Response('{"results":[{"id":"101","properties":{"email":"jane.doe@example.com"}}]}', { status: statuses.shift() ?? 200 });
    },
  };
  return { deps, sent, recorded };
}

describe("HubSpot delivery", () => {
  it("sends the task only after the contact upsert succeeded, and reports the event once", async () => {
    const { deps, sent } = run("live", [503]);
    const results = await deliver("crm", [leadEvent()], deps);
    expect(sent).toEqual(["/crm/v3/objects/contacts/batch/upsert"]);
    expect(results).toEqual([expect.objectContaining({ event_id: "evt_lead_0001", kind: "retry", status: 503 })]);
  });

  it("reports the most pressing outcome when one of an event's requests fails", async () => {
    const { deps, sent } = run("live", [200, 400]);
    const results = await deliver("crm", [leadEvent()], deps);
    expect(sent).toEqual(["/crm/v3/objects/contacts/batch/upsert", "/crm/v3/objects/tasks/search"]);
    expect(results).toEqual([expect.objectContaining({ event_id: "evt_lead_0001", kind: "drop", status: 400 })]);
  });

  it("records the upsert and the task it would create in dry_run, sending nothing", async () => {
    const { deps, sent, recorded } = run("dry_run", []);
    const results = await deliver("crm", [leadEvent()], deps);
    expect(sent).toEqual([]);
    expect(recorded.map((r) => new URL(r.request.url).pathname)).toEqual([
      "/crm/v3/objects/contacts/batch/upsert",
      "/crm/v3/objects/tasks/search",
      "/crm/v3/objects/tasks",
    ]);
    expect(recorded[0]!.request.headers.authorization).toBe("[redacted]");
    expect(results).toEqual([expect.objectContaining({ kind: "ok", detail: "dry_run" })]);
  });

  it("keeps an event away from the destinations a rule's only_destinations leaves out", async () => {
    const only = { name: "leads_to_crm", when: { field: "name", op: "eq", value: "lead_submitted" }, then: { only_destinations: ["crm"] } };
    const { deps, sent } = run("live", [], [only]);
    const results = await deliver("hook", [leadEvent()], deps);
    expect(sent).toEqual([]);
    expect(results).toEqual([{ event_id: "evt_lead_0001", kind: "skipped", reason: "rule leads_to_crm: only_destinations" }]);
  });
});

describe("HubSpot pacing", () => {
  it("asks the injected pacer before each request and waits what it says", async () => {
    const { deps, sent } = run("live", [], []);
    const asked: string[] = [];
    const waited: number[] = [];
    await deliver("crm", [leadEvent()], {
      ...deps,
      pace: async (key, limit) => (asked.push(`${key} ${limit.requests}/${limit.perSeconds}s`), 40),
      sleep: async (ms) => void waited.push(ms),
    });
    expect(sent).toEqual(["/crm/v3/objects/contacts/batch/upsert"]);
    expect(asked).toEqual(["crm 190/10s"]);
    expect(waited).toEqual([40]);
  });

  it("retries later instead of holding the invocation when the wait is too long", async () => {
    const { deps, sent } = run("live", [], []);
    const results = await deliver("crm", [leadEvent()], { ...deps, pace: async () => 30_000 });
    expect(sent).toEqual([]);
    expect(results).toEqual([expect.objectContaining({ kind: "retry", retryAfter: 30 })]);
  });
});
