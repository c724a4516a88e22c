/** What each kind of destination gets of a conversion's attribution. */
import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "../../../src/event/canonical.ts";
import { attributionProps } from "../../../src/destinations/analyticsFields.ts";
import { eventParams } from "../../../src/destinations/ga4/event.ts";
import { touchProps } from "../../../src/destinations/hubspot/contact.ts";
import { leadRecord } from "../../../src/destinations/salesforce/lead.ts";
import { SalesforceSettings } from "../../../src/destinations/salesforce/settings.ts";
import type { Attribution } from "../../../src/identity/graph/state.ts";
import { purchaseEvent } from "../../contracts/fixture.ts";

const T0 = Date.parse("2026-05-25T12:00:00Z");
const attribution: Attribution = {
  first_touch: { at: T0, source: "google", medium: "cpc", campaign: "spring_sale", term: null, content: null, click_ids: { gclid: { value: "G1", at: T0 } }, landing_page: "https://shop.example.com/spring", referrer: null, session_id: "1779710400" },
  last_touch: { at: T0 + 86_400_000, source: "newsletter", medium: "email", campaign: "june", term: null, content: null, click_ids: {}, landing_page: null, referrer: null, session_id: "1779796800" },
  seconds_from_first_touch: 604_800,
  seconds_from_first_visit: 700_000,
};
const converted = (): CanonicalEvent => ({ ...purchaseEvent(), attribution });

describe("GA4", () => {
  it("adds first-touch source, medium, campaign and seconds to conversion when there is room", () => {
    expect(eventParams(converted(), "purchase", 1)).toMatchObject({ first_touch_source: "google", first_touch_medium: "cpc", first_touch_campaign: "spring_sale", seconds_to_conversion: 604_800 });
  });

  it("never goes past 25 parameters: the event's own properties keep their place", () => {
    const props = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, i]));
    const e = { ...converted(), properties: { ...converted().properties, ...props } };
    const p = eventParams(e, "purchase", 1);
    expect(Object.keys(p)).toHaveLength(25);
    expect(p.first_touch_source).toBeUndefined();
  });
});

describe("HubSpot", () => {
  it("sets tagwire_first_* and tagwire_last_* from the person's touches, with the time to conversion", () => {
    expect(touchProps(converted(), "first")).toMatchObject({ tagwire_first_utm_source: "google", tagwire_first_utm_campaign: "spring_sale", tagwire_first_click_id: "gclid:G1", tagwire_first_touch_at: new Date(T0).toISOString() });
    expect(touchProps(converted(), "last")).toMatchObject({ tagwire_last_utm_source: "newsletter", tagwire_last_utm_campaign: "june", tagwire_seconds_to_conversion: "604800" });
  });
});

describe("Salesforce", () => {
  it("maps attribution paths to Lead fields named in `fields`", () => {
    const s = SalesforceSettings.parse({ method: "web_to_lead", oid: "00D000000000062", fields: { First_Touch_Source__c: "attribution.first_touch.source", Days_To_Convert__c: "attribution.seconds_from_first_touch" } });
    expect(leadRecord(converted(), s)).toMatchObject({ First_Touch_Source__c: "google", Days_To_Convert__c: 604_800 });
  });
});

describe("analytics tools", () => {
  it("get flat first/last touch properties; the event's own properties win a clash", () => {
    const e = { ...converted(), properties: { ...converted().properties, last_touch_source: "mine" } };
    expect(attributionProps(e)).toEqual({ first_touch_source: "google", first_touch_medium: "cpc", first_touch_campaign: "spring_sale", last_touch_medium: "email", last_touch_campaign: "june", seconds_to_conversion: 604_800 });
    expect(attributionProps(purchaseEvent())).toEqual({});
  });
});
