/**
 * What one canonical event tells the graph: the touch it would be if it starts a session (utm, a click id in
 * its page URL, or an external referrer; otherwise a direct visit), and the browser ids it carries with the
 * time each was seen. Pure: the consumer builds observations here and sends them to the graph.
 */
import type { Config } from "../../config/schema.ts";
import type { CanonicalEvent, ClickIdKey } from "../../event/canonical.ts";
import { clickIdsFromUrl } from "../clickIds.ts";
import type { BrowserKey, Observation, Seen, Touch } from "./state.ts";

/** Source and medium for a click id without utm (Google's auto-tagging gives google / cpc; docs/identity.md). */
const CLICK_SOURCE: Readonly<Record<ClickIdKey, readonly [string, string]>> = {
  gclid: ["google", "cpc"],
  gbraid: ["google", "cpc"],
  wbraid: ["google", "cpc"],
  msclkid: ["bing", "cpc"],
  // Meta adds fbclid to every outbound link, paid or not.
  fbclid: ["facebook", "social"],
  ttclid: ["tiktok", "cpc"],
  li_fat_id: ["linkedin", "cpc"],
  ScCid: ["snapchat", "cpc"],
  rdt_cid: ["reddit", "cpc"],
  epik: ["pinterest", "cpc"],
};

/** Referrers that are search engines: medium "organic", as Google Analytics labels them. */
const SEARCH = /(^|\.)(google|bing|duckduckgo|yahoo|ecosia|baidu|yandex|qwant|startpage|brave)\.[a-z.]+$/;

function parse(url: string | null): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

const bare = (host: string) => host.toLowerCase().replace(/^www\./, "");

/** Whether the referrer is another site than the page's own (and than the cookie domain's subdomains). */
function isExternal(ref: URL, page: URL | null, cookieDomain: string | undefined): boolean {
  const host = bare(ref.hostname);
  if (page && host === bare(page.hostname)) return false;
  const domain = cookieDomain?.replace(/^\./, "").toLowerCase();
  if (domain && (host === domain || host.endsWith(`.${domain}`))) return false;
  return true;
}

const originPath = (u: URL) => `${u.origin}${u.pathname}`;

/** The touch an event is when it starts a session: campaign, click, referral, or direct. */
export function touchOf(cfg: Pick<Config, "cookies">, e: CanonicalEvent): Touch {
  const at = Date.parse(e.time);
  const page = parse(e.page.url);
  const ref = parse(e.page.referrer);
  const external = ref !== null && isExternal(ref, page, cfg.cookies.domain);
  const seen = clickIdsFromUrl(page?.searchParams ?? null);
  const click_ids: Touch["click_ids"] = {};
  for (const [k, v] of Object.entries(seen) as [ClickIdKey, string][]) click_ids[k] = { value: v, at };
  const firstClick = Object.keys(seen)[0] as ClickIdKey | undefined;
  let source: string;
  let medium: string;
  if (e.campaign.source) [source, medium] = [e.campaign.source, e.campaign.medium ?? "(not set)"];
  else if (firstClick) [source, medium] = CLICK_SOURCE[firstClick];
  else if (external) [source, medium] = [bare(ref.hostname), SEARCH.test(bare(ref.hostname)) ? "organic" : "referral"];
  else [source, medium] = ["(direct)", "(none)"];
  return {
    at,
    source,
    medium,
    campaign: e.campaign.name,
    term: e.campaign.term,
    content: e.campaign.content,
    click_ids,
    landing_page: page ? originPath(page) : null,
    referrer: external && ref ? originPath(ref) : null,
    session_id: e.session_id,
  };
}

/** The creation time Meta writes into fbc/fbp (`fb.1.<ms>.<…>`). */
function metaTime(v: string): number | null {
  const ms = Number(v.split(".")[2]);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/** What a browser event tells its person: the visit, its touch, and (with ads consent) its browser ids. */
export function observationOf(cfg: Pick<Config, "cookies">, e: CanonicalEvent): Observation {
  const at = Date.parse(e.time);
  if (e.source === "server") return { at, session: null, touch: null, browser: {}, ads: null };
  const touch = touchOf(cfg, e);
  const browser: Partial<Record<BrowserKey, Seen>> = {};
  if (e.consent.ads) {
    // Click ids with their click time: those in this page's URL. Ones the cookie carried were observed when
    // they were in a URL; their time is not on the event, so they are not taken from here.
    Object.assign(browser, touch.click_ids);
    // fbc counts from the click it carries (its creation time); fbp from when it was last seen in use.
    const fbc = e.click_ids.fbc;
    const fbcAt = fbc ? metaTime(fbc) : null;
    if (fbc && fbcAt !== null) browser.fbc = { value: fbc, at: fbcAt };
    if (e.click_ids.fbp && metaTime(e.click_ids.fbp) !== null) browser.fbp = { value: e.click_ids.fbp, at };
  }
  return { at, session: e.session_id, touch, browser, ads: e.consent.ads };
}
