/** Snapchat behaviour the contract cases cannot show: test mode posts to the validate endpoint. */
import { describe, expect, it } from "vitest";
import { SNAP_API_VERSION, SnapchatSettings, snapchat } from "../../src/destinations/snapchat/index.ts";
import { adapterContext, leadEvent } from "../contracts/fixture.ts";

const settings = SnapchatSettings.parse({ pixel_id: "pixel-1", access_token: "SNAP_TOKEN" });
const names = { lead_submitted: "SIGN_UP" };

describe("snapchat adapter", () => {
  it("posts test-mode events to /events/validate with the same body as live", async () => {
    const live = await snapchat.build([leadEvent()], adapterContext(settings, { access_token: "tok" }, "live", names));
    const test = await snapchat.build([leadEvent()], adapterContext(settings, { access_token: "tok" }, "test", names));
    expect(test.requests[0]!.request.url).toBe(`https://tr.snapchat.com/${SNAP_API_VERSION}/pixel-1/events/validate?access_token=tok`);
    expect(test.requests[0]!.request.body).toBe(live.requests[0]!.request.body);
  });

  it("URL-encodes the token in the query string", async () => {
    const r = await snapchat.build([leadEvent()], adapterContext(settings, { access_token: "a/b+c" }, "live", names));
    expect(r.requests[0]!.request.url).toMatch(/access_token=a%2Fb%2Bc$/);
  });
});
