/**
 * HubSpot contact properties from a canonical event: clear-text traits (HubSpot is the customer's own CRM),
 * and optional first-/last-touch source properties from the event's campaign, click ids and page.
 */
import { CLICK_ID_KEYS, type CanonicalEvent } from "../../event/canonical.ts";
import { normalizeEmail, normalizePhone } from "../../identity/normalize.ts";

export type Props = Record<string, string>;

export function emailOf(e: CanonicalEvent): string | undefined {
  return e.user.email ? normalizeEmail(e.user.email) : undefined;
}

function put(out: Props, key: string, v: string | null | undefined) {
  const t = v?.trim();
  if (t) out[key] = t;
}

/** Standard contact properties from user traits. */
export function traitProps(e: CanonicalEvent): Props {
  const u = e.user;
  const out: Props = {};
  put(out, "email", emailOf(e));
  put(out, "phone", u.phone ? (normalizePhone(u.phone, "e164", e.context.geo.country) ?? u.phone) : undefined);
  put(out, "firstname", u.first_name);
  put(out, "lastname", u.last_name);
  put(out, "city", u.city);
  put(out, "state", u.state);
  put(out, "zip", u.postal_code);
  put(out, "country", u.country);
  return out;
}

/** Custom property that records when the first touch was set; read to decide whether to set it again. */
export const FIRST_TOUCH_AT = "tagwire_first_touch_at";

/** The graph's touch (src/identity/graph) as `tagwire_<first|last>_*` properties, with the time to conversion. */
function attributedProps(e: CanonicalEvent, which: "first" | "last"): Props | undefined {
  const a = e.attribution;
  const t = which === "first" ? a?.first_touch : a?.last_touch;
  if (!a || !t) return undefined;
  const p = `tagwire_${which}_`;
  const out: Props = {};
  put(out, `${p}utm_source`, t.source);
  put(out, `${p}utm_medium`, t.medium);
  put(out, `${p}utm_campaign`, t.campaign);
  put(out, `${p}utm_term`, t.term);
  put(out, `${p}utm_content`, t.content);
  const click = CLICK_ID_KEYS.find((k) => t.click_ids[k]);
  put(out, `${p}click_id`, click ? `${click}:${t.click_ids[click]!.value}` : undefined);
  put(out, `${p}page_url`, t.landing_page);
  put(out, `${p}referrer`, t.referrer);
  out[`${p}touch_at`] = new Date(t.at).toISOString();
  if (which === "last" && a.seconds_from_first_touch !== null) out.tagwire_seconds_to_conversion = String(a.seconds_from_first_touch);
  return out;
}

/**
 * `tagwire_<first|last>_*` source properties: on conversions, the person's touches from the identity graph;
 * otherwise this event's own campaign, or nothing when it carries no campaign or click id.
 */
export function touchProps(e: CanonicalEvent, which: "first" | "last"): Props {
  const attributed = attributedProps(e, which);
  if (attributed) return attributed;
  const c = e.campaign;
  const click = CLICK_ID_KEYS.find((k) => e.click_ids[k]);
  if (!c.source && !c.medium && !c.name && !c.term && !c.content && !click) return {};
  const p = `tagwire_${which}_`;
  const out: Props = {};
  put(out, `${p}utm_source`, c.source);
  put(out, `${p}utm_medium`, c.medium);
  put(out, `${p}utm_campaign`, c.name);
  put(out, `${p}utm_term`, c.term);
  put(out, `${p}utm_content`, c.content);
  put(out, `${p}click_id`, click ? `${click}:${e.click_ids[click]}` : undefined);
  put(out, `${p}page_url`, e.page.url);
  put(out, `${p}referrer`, e.page.referrer);
  out[`${p}touch_at`] = e.time;
  return out;
}
