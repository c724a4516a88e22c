import { expect, it } from "vitest";
import { REASONS, skipReason } from "../../src/ledger/reasons.ts";
import { excerptOf } from "../../src/ledger/rows.ts";

const cases: [string, string, string?][] = [
  ["consent: analytics denied", "consent_blocked", "analytics"],
  ["consent: ads denied", "consent_blocked", "ads"],
  ["consent: GPC denies ads", "consent_blocked", "ads (Sec-GPC: 1)"],
  ["not in only_events", "rule_skipped"],
  ["rule internal_traffic: skip_destinations", "rule_skipped"],
  ["excluded by the tracking plan", "unmapped"],
  ["event not mapped for this destination", "unmapped"],
  ['"purchase" is not a conversion action (use its numeric id or customers/<id>/conversionActions/<id>)', "unmapped"],
  ['"x" is reserved by GA4', "unmapped"],
  ["older than Meta's 7-day window", "late"],
  ["older than GA4's 72 h window", "late"],
  ["no client id (_ga cookie, visitor id or user_id)", "missing_identifier"],
  ["no gclid/gbraid/wbraid", "missing_identifier"],
  ["no user matcher (email, phone, external_id, ttclid, ttp or ip)", "missing_identifier"],
  ["Reddit needs something to match on: rdt_cid, _rdt_uuid, email, phone, external id or IP", "missing_identifier"],
  ["Snapchat needs a matcher: email, phone, or IP address with user agent", "missing_identifier"],
  ["Pinterest needs an email, or an IP address with user agent", "missing_identifier"],
  ["behavioral event needs an email or the hubspotutk cookie", "missing_identifier"],
  ["nothing to send: no email, no behavioral event, no task", "missing_identifier"],
  ["Segment needs a userId or anonymousId", "missing_identifier"],
  ["flagged event blocked by the plan", "flagged_blocked"],
  ["unverified identity: email not from a signed source", "unverified_identity"],
  ["mode test needs test_event_code", "skipped"],
  ["web_to_lead needs oid (your Org ID)", "skipped"],
  ["something nobody wrote yet", "skipped"],
];

it.each(cases)("maps the skip text %j to %s", (text, reason, detail) => {
  const r = skipReason(text);
  expect(r.reason).toBe(reason);
  expect(r.detail).toBe(detail ?? text);
  expect(REASONS[r.reason]).toBe("not_sent");
});

it("names the bot signal and the config key that lets bots through", () => {
  const e = { context: { bot: true, user_agent: "Mozilla/5.0 HeadlessChrome/126.0", device: { type: "desktop" } } } as never;
  expect(skipReason("bot", e, "meta")).toEqual({ reason: "bot", detail: "headless user agent (allowed with destinations.meta.forward_bots = true)" });
});

it("keeps emails a vendor echoes back out of the ledger's excerpt", () => {
  expect(excerptOf('{"message":"Contact already exists. Existing ID: 51, email jane.doe+x@shop.example.com"}')).toBe('{"message":"Contact already exists. Existing ID: 51, email [email]"}');
  expect(excerptOf("x".repeat(500))).toHaveLength(200);
});
