/** The graph's pure rules: touches, merges, attribution and browser ids within windows. */
import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "../../../src/event/canonical.ts";
import { attributionOf, browserIdsFor, emptyState, mergeStates, observe, type Observation, type PersonState, type Touch } from "../../../src/identity/graph/state.ts";
import { observationOf, touchOf } from "../../../src/identity/graph/touch.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-06-01T12:00:00Z");
const cfg = { cookies: { domain: "shop.example.com", id_name: "tw_id", session_name: "tw_sid", clicks_name: "tw_clk", max_age_days: 400, session_minutes: 30, renamed_from: {} } };

const touch = (at: number, source: string, medium = "cpc"): Touch => ({
  at, source, medium, campaign: source === "(direct)" ? null : `${source}_c`, term: null, content: null, click_ids: {}, landing_page: null, referrer: null, session_id: String(at / 1000),
});
const visit = (at: number, t: Touch | null, browser: Observation["browser"] = {}, ads: boolean | null = true): Observation => ({ at, session: String(at / 1000), touch: t, browser, ads });

function event(over: Partial<CanonicalEvent> & { url?: string; referrer?: string } = {}): CanonicalEvent {
  const { url, referrer, ...rest } = over;
  const u = url ? new URL(url) : null;
  return {
    event_id: "e1", name: "page_viewed", time: new Date(T0).toISOString(), received_at: new Date(T0).toISOString(), source: "browser",
    anonymous_id: "anon_1234", session_id: "1780315200", user_id: null, properties: {}, value: null, currency: null, value_kind: null,
    page: { url: url ?? null, path: null, title: null, referrer: referrer ?? null },
    campaign: { source: u?.searchParams.get("utm_source") ?? null, medium: u?.searchParams.get("utm_medium") ?? null, name: u?.searchParams.get("utm_campaign") ?? null, term: null, content: null },
    click_ids: {}, user: {},
    context: { ip: null, user_agent: null, locale: null, geo: {} as CanonicalEvent["context"]["geo"], device: { type: "desktop", os: null, browser: null }, bot: false, cookies: {} },
    consent: { analytics: true, ads: true, ad_user_data: true, ad_personalization: true, gpc: false },
    ...rest,
  };
}

describe("touches", () => {
  it("reads utm, then a click id, then an external referrer, else a direct visit", () => {
    expect(touchOf(cfg, event({ url: "https://shop.example.com/a?utm_source=news&utm_medium=email&utm_campaign=fall&gclid=G1" }))).toMatchObject({ source: "news", medium: "email", campaign: "fall", click_ids: { gclid: { value: "G1", at: T0 } }, landing_page: "https://shop.example.com/a" });
    expect(touchOf(cfg, event({ url: "https://shop.example.com/a?gclid=G1" }))).toMatchObject({ source: "google", medium: "cpc" });
    expect(touchOf(cfg, event({ url: "https://shop.example.com/a", referrer: "https://www.google.com/search?q=secret" }))).toMatchObject({ source: "google.com", medium: "organic", referrer: "https://www.google.com/search" });
    expect(touchOf(cfg, event({ url: "https://shop.example.com/a", referrer: "https://blog.example.org/post" }))).toMatchObject({ source: "blog.example.org", medium: "referral" });
    expect(touchOf(cfg, event({ url: "https://shop.example.com/a", referrer: "https://www.shop.example.com/b" }))).toMatchObject({ source: "(direct)", medium: "(none)" });
  });

  it("keeps browser ids only with ads consent, and never from a server event", () => {
    const withFbc = event({ url: "https://shop.example.com/?gclid=G1", click_ids: { fbc: `fb.1.${T0 - DAY}.AbC`, fbp: `fb.1.${T0 - 9 * DAY}.123` } });
    expect(observationOf(cfg, withFbc).browser).toEqual({ gclid: { value: "G1", at: T0 }, fbc: { value: `fb.1.${T0 - DAY}.AbC`, at: T0 - DAY }, fbp: { value: `fb.1.${T0 - 9 * DAY}.123`, at: T0 } });
    expect(observationOf(cfg, { ...withFbc, consent: { ...withFbc.consent, ads: false } }).browser).toEqual({});
    expect(observationOf(cfg, { ...withFbc, source: "server" })).toMatchObject({ session: null, touch: null, browser: {}, ads: null });
  });

  it("does not let a direct visit replace a campaign last touch within the window, and does after it", () => {
    let s = observe(emptyState(), visit(T0, touch(T0, "google")), 30);
    s = observe(s, visit(T0 + 10 * DAY, touch(T0 + 10 * DAY, "(direct)", "(none)")), 30);
    expect(s.last_touch?.source).toBe("google");
    s = observe(s, visit(T0 + 31 * DAY, touch(T0 + 31 * DAY, "(direct)", "(none)")), 30);
    expect(s.last_touch?.source).toBe("(direct)");
    expect(s.first_touch?.source).toBe("google");
    expect(s.first_seen).toBe(T0);
  });

  it("records one touch per session: later events of the same session change nothing", () => {
    const first = observe(emptyState(), visit(T0, touch(T0, "google")), 30);
    const again = observe(first, { ...visit(T0 + 60_000, touch(T0 + 60_000, "bing")), session: first.last_session }, 30);
    expect(again.last_touch?.source).toBe("google");
  });
});

describe("merging persons", () => {
  const a = observe(emptyState(), visit(T0, touch(T0, "google"), { gclid: { value: "G1", at: T0 } }), 30);
  const b = observe(emptyState(), visit(T0 + 5 * DAY, touch(T0 + 5 * DAY, "facebook", "social"), { gclid: { value: "G2", at: T0 + 5 * DAY } }), 30);

  it("is commutative and idempotent: earliest first touch and visit, latest last touch and Google click", () => {
    const ab = mergeStates(a, b, 30);
    expect(mergeStates(b, a, 30)).toEqual(ab);
    expect(mergeStates(ab, ab, 30)).toEqual(ab);
    expect(ab).toMatchObject({ first_seen: T0, first_touch: { source: "google" }, last_touch: { source: "facebook" } });
    expect(ab.browser?.ids).toEqual({ gclid: { value: "G2", at: T0 + 5 * DAY } });
  });
});

describe("attribution", () => {
  it("gives seconds from the first touch and the first visit", () => {
    const s: PersonState = { ...emptyState(), first_seen: T0 - 3 * DAY, first_touch: touch(T0 - 2 * DAY, "google"), last_touch: touch(T0 - DAY, "news") };
    expect(attributionOf(s, T0)).toMatchObject({ seconds_from_first_touch: 2 * 86_400, seconds_from_first_visit: 3 * 86_400, last_touch: { source: "news" } });
    expect(attributionOf(emptyState(), T0)).toEqual({ first_touch: null, last_touch: null, seconds_from_first_touch: null, seconds_from_first_visit: null });
  });
});

describe("browser ids for server events", () => {
  const s = observe(emptyState(), visit(T0, null, { gclid: { value: "G1", at: T0 }, fbc: { value: "fb.1.x.F", at: T0 }, ttclid: { value: "E.C.P.T", at: T0 } }), 30);

  it("adds ids within each vendor's window: fbc and ttclid 7 days, gclid 90", () => {
    expect(browserIdsFor(s, { at: T0 + 6 * DAY, click_ids: {}, ads: true }, {})).toEqual({ gclid: "G1", fbc: "fb.1.x.F", ttclid: "E.C.P.T" });
    expect(browserIdsFor(s, { at: T0 + 8 * DAY, click_ids: {}, ads: true }, {})).toEqual({ gclid: "G1" });
    expect(browserIdsFor(s, { at: T0 + 91 * DAY, click_ids: {}, ads: true }, {})).toEqual({});
    expect(browserIdsFor(s, { at: T0 + 8 * DAY, click_ids: {}, ads: true }, { fbc: 10 })).toEqual({ gclid: "G1", fbc: "fb.1.x.F" });
  });

  it("adds nothing without ads consent (the event's or the person's latest), and never replaces the event's own ids", () => {
    expect(browserIdsFor(s, { at: T0 + DAY, click_ids: {}, ads: false }, {})).toEqual({});
    const withdrawn = observe(s, { at: T0 + DAY, session: null, touch: null, browser: {}, ads: false }, 30);
    expect(browserIdsFor(withdrawn, { at: T0 + 2 * DAY, click_ids: {}, ads: true }, {})).toEqual({});
    expect(browserIdsFor(s, { at: T0 + DAY, click_ids: { wbraid: "W9", fbc: "mine" }, ads: true }, {})).toEqual({ ttclid: "E.C.P.T" });
  });
});
