/**
 * Edge enrichment: geo from request.cf, client IP, user agent parsed into device/OS/browser, locale from
 * Accept-Language, and the bot mark (known-bot user agents via isbot, Cloudflare bot management where present).
 */
import { isbot } from "isbot";
import UAParser from "ua-parser-js";
import type { Device, Geo } from "../event/canonical.ts";

export interface RequestContext {
  ip: string | null;
  user_agent: string | null;
  locale: string | null;
  geo: Geo;
  device: Device;
  bot: boolean;
}

type Cf = Record<string, unknown> | undefined;

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number | null => {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
};

export function geoFromCf(cf: Cf): Geo {
  return {
    country: str(cf?.country),
    region: str(cf?.region),
    region_code: str(cf?.regionCode),
    city: str(cf?.city),
    postal_code: str(cf?.postalCode),
    latitude: num(cf?.latitude),
    longitude: num(cf?.longitude),
    timezone: str(cf?.timezone),
    continent: str(cf?.continent),
    asn: num(cf?.asn),
    colo: str(cf?.colo),
  };
}

// Parsing a user agent costs tens of µs; the same few agents make most traffic, so keep recent answers.
const UA_CACHE_MAX = 500;
const uaCache = new Map<string, Device>();

export function parseDevice(ua: string | null): Device {
  if (!ua) return { type: "other", os: null, browser: null };
  const hit = uaCache.get(ua);
  if (hit) return hit;
  const r = new UAParser(ua).getResult();
  const t = r.device.type;
  const device: Device = {
    type: isbot(ua) ? "bot" : t === "mobile" ? "mobile" : t === "tablet" ? "tablet" : t === undefined ? "desktop" : "other",
    os: r.os.name ?? null,
    browser: r.browser.name ?? null,
  };
  if (uaCache.size >= UA_CACHE_MAX) uaCache.delete(uaCache.keys().next().value!);
  uaCache.set(ua, device);
  return device;
}

/** First language tag of Accept-Language, e.g. "de-CH" from "de-CH,de;q=0.9". */
export function localeFrom(acceptLanguage: string | null): string | null {
  if (!acceptLanguage) return null;
  const first = acceptLanguage.split(",")[0]!.split(";")[0]!.trim();
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(first) ? first : null;
}

function isBotByCf(cf: Cf): boolean {
  const bm = cf?.botManagement as { score?: unknown; verifiedBot?: unknown } | undefined;
  if (!bm) return false;
  if (bm.verifiedBot === true) return true;
  const score = num(bm.score);
  // Cloudflare scores 1–29 as "likely automated".
  return score !== null && score >= 1 && score < 30;
}

export function requestContext(request: Request): RequestContext {
  const ua = request.headers.get("user-agent");
  const cf = request.cf as Cf;
  const device = parseDevice(ua);
  return {
    ip: request.headers.get("cf-connecting-ip"),
    user_agent: ua,
    locale: localeFrom(request.headers.get("accept-language")),
    geo: geoFromCf(cf),
    device,
    bot: !ua || device.type === "bot" || isBotByCf(cf),
  };
}
