/**
 * Who is sending: the first-party id and session cookies, stored click ids, Meta's _fbp/_fbc, and the
 * vendor cookies destinations read. Decides which cookies to (re)write, each only with the consent it needs,
 * and expires them when that consent is withdrawn.
 */
import type { Config } from "../config/schema.ts";
import type { ClickIdKey, Consent, VendorCookies } from "../event/canonical.ts";
import { parseCookies, serializeCookie } from "../http/cookies.ts";
import { expireClicks, mergeClicks, parseStoredClicks, serializeClicks, type StoredClicks } from "./clickIds.ts";
import { isValidClientId, uuidv7 } from "./ids.ts";
import { fbclidOf, isMetaCookie, newFbc, newFbp } from "./meta.ts";

const DAY = 86_400;
const CLICK_MAX_AGE_DAYS = 90;
export const VENDOR_COOKIES: readonly (keyof VendorCookies)[] = ["_ga", "_ttp", "_scid", "_rdt_uuid", "_epik", "hubspotutk"];

export interface Visitor {
  anonymous_id: string | null;
  session_id: string | null;
  clicks: StoredClicks;
  fbp: string | undefined;
  fbc: string | undefined;
  vendor: VendorCookies;
  setCookies: string[];
}

export interface VisitorInput {
  cookieHeader: string | null;
  now: number;
  /** Click ids seen in this request's landing URLs, in order. */
  seenClicks: Partial<Record<ClickIdKey, string>>[];
  /** Consent that governs cookies: the request's latest. */
  consent: Consent;
  metaEnabled: boolean;
  /** A server event: no browser is there to keep an id, so none is invented (fbp) and no cookie is written. */
  server?: boolean;
}

export function resolveVisitor(cfg: Config["cookies"], input: VisitorInput): Visitor {
  const jar = parseCookies(input.cookieHeader);
  const { now, consent } = input;
  const nowSec = Math.floor(now / 1000);
  const setCookies: string[] = [];
  const write = (name: string, value: string, maxAge: number, httpOnly = true) =>
    setCookies.push(serializeCookie(name, value, { maxAge, domain: cfg.domain, httpOnly }));
  const expire = (name: string, httpOnly = true) => {
    if (jar.has(name)) write(name, "", 0, httpOnly);
  };
  // A renamed cookie is still read under its earlier names (so no visitor id resets), then moves to the new name.
  type Renamable = "id_name" | "session_name" | "clicks_name";
  const read = (key: Renamable): string | undefined => {
    const v = jar.get(cfg[key]);
    if (v !== undefined) return v;
    for (const old of cfg.renamed_from[key] ?? []) {
      const o = jar.get(old);
      if (o !== undefined) return o;
    }
    return undefined;
  };
  const hadCookie = (key: Renamable) => read(key) !== undefined;
  for (const key of ["id_name", "session_name", "clicks_name"] as const) {
    for (const old of cfg.renamed_from[key] ?? []) if (old !== cfg[key]) expire(old);
  }

  let anonymous_id: string | null = null;
  let session_id: string | null = null;
  if (consent.analytics) {
    const existing = read("id_name");
    anonymous_id = isValidClientId(existing) ? existing : uuidv7(now);
    write(cfg.id_name, anonymous_id, cfg.max_age_days * DAY);
    const s = read("session_name");
    session_id = s && /^\d{9,11}$/.test(s) ? s : String(nowSec);
    write(cfg.session_name, session_id, cfg.session_minutes * 60);
  } else {
    expire(cfg.id_name);
    expire(cfg.session_name);
  }

  const clicks = parseStoredClicks(read("clicks_name"));
  expireClicks(clicks, now, CLICK_MAX_AGE_DAYS * DAY * 1000);
  let clicksChanged = false;
  for (const seen of input.seenClicks) clicksChanged = mergeClicks(clicks, seen, now) || clicksChanged;

  let fbp: string | undefined;
  let fbc: string | undefined;
  if (consent.ads) {
    if (clicksChanged || (hadCookie("clicks_name") && Object.keys(clicks).length > 0)) {
      write(cfg.clicks_name, serializeClicks(clicks), CLICK_MAX_AGE_DAYS * DAY);
    }
    const fbpCookie = jar.get("_fbp");
    const fbcCookie = jar.get("_fbc");
    if (isMetaCookie(fbpCookie)) fbp = fbpCookie;
    if (isMetaCookie(fbcCookie)) fbc = fbcCookie;
    const fbclid = clicks.fbclid;
    if (fbclid && (!fbc || fbclidOf(fbc) !== fbclid.value)) fbc = newFbc(fbclid.at, fbclid.value);
    if (input.metaEnabled && !input.server) {
      fbp ??= newFbp(now);
      // Meta's pixel reads these from JavaScript, so they are not HttpOnly.
      write("_fbp", fbp, CLICK_MAX_AGE_DAYS * DAY, false);
      if (fbc) write("_fbc", fbc, CLICK_MAX_AGE_DAYS * DAY, false);
    }
  } else {
    expire(cfg.clicks_name);
    // Meta's cookies are ad identifiers too: withdrawn ads consent expires the ones this browser holds.
    expire("_fbp", false);
    expire("_fbc", false);
    for (const k of Object.keys(clicks)) delete clicks[k as ClickIdKey];
    // Clicks seen in this very request still describe this event; they are just not stored.
    for (const seen of input.seenClicks) mergeClicks(clicks, seen, now);
  }

  const vendor: VendorCookies = {};
  for (const name of VENDOR_COOKIES) {
    const v = jar.get(name);
    // Printable ASCII only, capped: these go into vendor payloads as they are.
    if (v && /^[\x21-\x7e]{1,512}$/.test(v)) vendor[name] = v;
  }
  return { anonymous_id, session_id, clicks, fbp, fbc, vendor, setCookies };
}
