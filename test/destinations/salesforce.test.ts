/** Salesforce's OAuth client-credentials token: how it is requested, cached across deliveries, and dropped on 401. */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { deliver } from "../../src/delivery/deliver.ts";
import { leadEvent } from "../contracts/fixture.ts";

const INSTANCE = "https://acme.my.salesforce.com";
const SECRETS: Record<string, string> = { SF_ID: "test-consumer-key", SF_SECRET: "test-consumer-secret" };

function setup(destId: string, leadStatuses: number[]) {
  const cfg = Config.parse({
    prefix: "",
    destinations: { [destId]: { type: "salesforce", instance_url: INSTANCE, client_id: "SF_ID", client_secret: "SF_SECRET" } },
  });
  const seen: { url: string; body: string; auth: string | null }[] = [];
  let tokens = 0;
  const deps = {
    cfg,
    secret: (n: string) => SECRETS[n],
    now: () => Date.parse("2026-06-01T12:05:00Z"),
    fetch: async (req: Request) => {
      seen.push({ url: req.url, body: await req.text(), auth: req.headers.get("authorization") });
      if (req.url.endsWith("/services/oauth2/token")) {
        tokens += 1;
        return Response.json({ access_token: `token-${tokens}`, instance_url: INSTANCE, token_type: "Bearer" });
      }
      return new Response('{"id":"00Q1","success":true,"errors":[]}', { status: leadStatuses.shift() ?? 201 });
    },
  };
  return { deps, seen, tokenCount: () => tokens };
}

describe("Salesforce OAuth token", () => {
  it("exchanges client credentials at the My Domain token endpoint", async () => {
    const { deps, seen } = setup("sf_exchange", []);
    await deliver("sf_exchange", [leadEvent()], deps);
    expect(seen[0]).toEqual({
      url: `${INSTANCE}/services/oauth2/token`,
      body: "grant_type=client_credentials&client_id=test-consumer-key&client_secret=test-consumer-secret",
      auth: null,
    });
    expect(seen[1]).toMatchObject({ url: `${INSTANCE}/services/data/v67.0/sobjects/Lead/Tagwire_Event_Id__c/evt_lead_0001`, auth: "Bearer token-1" });
  });

  it("reuses the cached token for the next delivery", async () => {
    const { deps, tokenCount } = setup("sf_cache", []);
    await deliver("sf_cache", [leadEvent()], deps);
    await deliver("sf_cache", [leadEvent({ event_id: "evt_lead_0002" })], deps);
    expect(tokenCount()).toBe(1);
  });

  it("forgets a token Salesforce refuses, so the next delivery fetches a new one", async () => {
    const { deps, seen, tokenCount } = setup("sf_expired", [401]);
    const first = await deliver("sf_expired", [leadEvent()], deps);
    expect(first[0]).toMatchObject({ kind: "auth", status: 401 });
    await deliver("sf_expired", [leadEvent()], deps);
    expect(tokenCount()).toBe(2);
    expect(seen.at(-1)!.auth).toBe("Bearer token-2");
  });
});
