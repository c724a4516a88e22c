/** LinkedIn behaviour the contract cases cannot show: no test mode, the conversion URN rule, the version pin. */
import { describe, expect, it } from "vitest";
import { conversionUrn } from "../../src/destinations/linkedin/element.ts";
import { LINKEDIN_VERSION, LinkedInSettings, linkedin } from "../../src/destinations/linkedin/index.ts";
import { adapterContext, leadEvent, purchaseEvent } from "../contracts/fixture.ts";

const settings = LinkedInSettings.parse({ access_token: "LINKEDIN_TOKEN" });
const names = { purchase_completed: "1234567", lead_submitted: "7654321" };

describe("linkedin adapter", () => {
  it("sends nothing in test mode, since LinkedIn has none, and says so for each event", async () => {
    const r = await linkedin.build([purchaseEvent(), leadEvent()], adapterContext(settings, { access_token: "t" }, "test", names));
    expect(r.requests).toEqual([]);
    expect(r.skipped.map((s) => s.event_id)).toEqual(["evt_purchase_0001", "evt_lead_0001"]);
    expect(r.skipped[0]!.reason).toContain("no test mode");
  });

  it("accepts a rule id or a full conversion URN, and nothing else", () => {
    expect(conversionUrn("1234567")).toBe("urn:lla:llaPartnerConversion:1234567");
    expect(conversionUrn(" urn:lla:llaPartnerConversion:42 ")).toBe("urn:lla:llaPartnerConversion:42");
    expect(conversionUrn("PURCHASE")).toBeUndefined();
    expect(conversionUrn("urn:li:conversion:42")).toBeUndefined();
    expect(conversionUrn("")).toBeUndefined();
  });

  it("pins one YYYYMM API version and sends it on every request", async () => {
    expect(LINKEDIN_VERSION).toMatch(/^20\d{4}$/);
    const r = await linkedin.build([leadEvent()], adapterContext(settings, { access_token: "t" }, "live", names));
    expect(r.requests[0]!.request.headers["linkedin-version"]).toBe(LINKEDIN_VERSION);
  });

  it("never sends userInfo names unless send_names is on", async () => {
    const r = await linkedin.build([leadEvent()], adapterContext(settings, { access_token: "t" }, "live", names));
    expect(r.requests[0]!.request.body).not.toContain("userInfo");
  });
});
