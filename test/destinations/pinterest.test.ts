/** Pinterest behaviour the contract cases cannot show: test mode, batch limit. */
import { describe, expect, it } from "vitest";
import { PinterestSettings, pinterest } from "../../src/destinations/pinterest/index.ts";
import { adapterContext, leadEvent } from "../contracts/fixture.ts";
import { pinterestContract } from "../contracts/pinterest.cases.ts";
import { parseBody, runContract } from "../contracts/run.ts";

const settings = PinterestSettings.parse({ ad_account_id: "549755885175", conversion_token: "PINTEREST_TOKEN" });

describe("pinterest adapter", () => {
  it("adds ?test=true in test mode and changes nothing else", async () => {
    const names = { lead_submitted: "lead" };
    const live = await pinterest.build([leadEvent()], adapterContext(settings, { conversion_token: "tok" }, "live", names));
    const test = await pinterest.build([leadEvent()], adapterContext(settings, { conversion_token: "tok" }, "test", names));
    expect(test.requests[0]!.request.url).toBe(`${live.requests[0]!.request.url}?test=true`);
    expect(test.requests[0]!.request.body).toBe(live.requests[0]!.request.body);
  });

  it("splits more than 1,000 events into requests of at most 1,000", async () => {
    const events = Array.from({ length: 1001 }, (_, i) => leadEvent({ event_id: `evt_lead_${i}` }));
    const { requests } = await runContract(pinterestContract, events);
    const sizes = requests.map((r) => (parseBody(r.body) as { data: unknown[] }).data.length);
    expect(sizes).toEqual([1000, 1]);
  });
});
