/**
 * Decides, centrally and the same way for every adapter, whether an event may go to a destination (consent,
 * bots, mapping) and what that destination may see of it (IP policy, user data without ad_user_data).
 */
import type { Config, DestinationConfig } from "../config/schema.ts";
import type { CanonicalEvent } from "../event/canonical.ts";
import type { DestinationDefinition, Purpose } from "./types.ts";
import { routeBlock } from "../rules/route.ts";

export type Eligibility = { ok: true; vendorName: string } | { ok: false; reason: string };

export function purposeOf(dest: DestinationConfig, def: DestinationDefinition): Purpose {
  return (dest.purpose as Purpose | undefined) ?? def.purpose;
}

export function vendorEventName(
  cfg: Config,
  destId: string,
  dest: DestinationConfig,
  def: DestinationDefinition,
  name: string,
): string | undefined | false {
  const planned = cfg.plan.events[name]?.destinations[destId];
  if (planned !== undefined) return planned;
  const mapped = (dest.events as Record<string, string>)[name];
  if (mapped !== undefined) return mapped;
  return def.defaultEventName?.(name);
}

const HOUR_MS = 3_600_000;

/**
 * An event's time and received_at in epoch ms, parsed once per event object: every destination asks
 * (canonical events are never mutated once built).
 */
const parsedTimes = new WeakMap<CanonicalEvent, { at: number; received: number }>();
function timesOf(e: CanonicalEvent): { at: number; received: number } {
  let t = parsedTimes.get(e);
  if (!t) parsedTimes.set(e, (t = { at: Date.parse(e.time), received: Date.parse(e.received_at) }));
  return t;
}

/** The destination's freshness window in hours: its config's `freshness_hours`, else the vendor's own. */
export function freshnessHoursOf(dest: DestinationConfig, def: DestinationDefinition): number {
  return (dest.freshness_hours as number | undefined) ?? def.freshnessHours;
}

/**
 * Whether the event's own time lies within what this destination accepts, judged at `now`: no older than its
 * freshness window, and not ahead of the clock by more than the time tolerance (a skewed client clock).
 */
export function timeWindowBlock(cfg: Config, dest: DestinationConfig, def: DestinationDefinition, e: CanonicalEvent, now: number): string | undefined {
  const at = timesOf(e).at;
  const hours = freshnessHoursOf(dest, def);
  if (now - at > hours * HOUR_MS) {
    return `outside freshness window: event is ${Math.floor((now - at) / HOUR_MS)} h old, this destination takes ${hours} h`;
  }
  if (at - now > cfg.time_tolerance_hours * HOUR_MS) return "clock skewed: event time is ahead of received_at by more than time_tolerance_hours";
  return undefined;
}

/**
 * `now` defaults to when Tagwire received the event, so the decision is the same on every attempt and on a
 * replay; retries past the window are stopped by the consumer's deadline (src/delivery/consume.ts).
 */
export function eligibility(
  cfg: Config,
  destId: string,
  dest: DestinationConfig,
  def: DestinationDefinition,
  e: CanonicalEvent,
  now: number = timesOf(e).received,
): Eligibility {
  if (!dest.enabled) return { ok: false, reason: "destination disabled" };
  // A gtag hit the plan rejects or drops still reaches GA4 as a hit (as it did before Tagwire), nowhere else.
  if (e.ga4_only && !(dest.type === "ga4" && dest.transport === "collect")) {
    return { ok: false, reason: "gtag hit outside the tracking plan (GA4 only)" };
  }
  if (e.context.bot && !dest.forward_bots) return { ok: false, reason: "bot" };
  const late = timeWindowBlock(cfg, dest, def, e, now);
  if (late) return { ok: false, reason: late };
  const purpose = purposeOf(dest, def);
  if (purpose === "analytics" && !e.consent.analytics) return { ok: false, reason: "consent: analytics denied" };
  if (purpose === "ads" && (!e.consent.ads || e.consent.gpc)) {
    return { ok: false, reason: e.consent.gpc ? "consent: GPC denies ads" : "consent: ads denied" };
  }
  // A flagged event (unknown name, or a value over its ceiling) is forwarded for analysis, never as a conversion.
  if (def.adNetwork && e.violations?.length) {
    // An amount over its ceiling never reaches an ad network, whatever flagged_to_ad_networks says.
    if (e.violations.some((v) => v.rule === "value_ceiling")) return { ok: false, reason: "flagged (value_ceiling): never sent to ad networks" };
    if (!cfg.plan.flagged_to_ad_networks) {
      return { ok: false, reason: `flagged (${e.violations[0]!.rule}): kept from ad networks (plan.flagged_to_ad_networks = false)` };
    }
  }
  const only = dest.only_events as string[] | undefined;
  if (only && !only.includes(e.name)) return { ok: false, reason: "not in only_events" };
  const blocked = routeBlock(cfg.rules, destId, e);
  if (blocked) return { ok: false, reason: blocked };
  const vendorName = vendorEventName(cfg, destId, dest, def, e.name);
  if (vendorName === false) return { ok: false, reason: "excluded by the tracking plan" };
  if (vendorName === undefined) return { ok: false, reason: "event not mapped for this destination" };
  return { ok: true, vendorName };
}

/** IPv4 keeps its first three octets, IPv6 its first three groups (/48). */
export function truncateIp(ip: string): string {
  if (ip.includes(":")) {
    const groups = ip.split("::")[0]!.split(":").filter(Boolean);
    return `${groups.slice(0, 3).join(":")}::`;
  }
  const parts = ip.split(".");
  return parts.length === 4 ? `${parts[0]}.${parts[1]}.${parts[2]}.0` : ip;
}

/** What this destination may see of the event. Never mutates the input. */
export function viewFor(dest: DestinationConfig, def: DestinationDefinition, e: CanonicalEvent): CanonicalEvent {
  const ip = e.context.ip;
  const ipView = ip === null || dest.ip === "keep" ? ip : dest.ip === "drop" ? null : truncateIp(ip);
  const stripUser = def.adNetwork && !e.consent.ad_user_data;
  // A user_id a browser claimed without the backend's signature identifies no one: only the webhook sees it,
  // marked, so a receiver can tell; every other destination would merge the visitor into that user.
  const forged = e.user_id_verified === false && def.type !== "webhook";
  if (ipView === ip && !stripUser && !forged) return e;
  const { external_id: _unverified, ...traits } = e.user;
  return {
    ...e,
    user: stripUser ? {} : forged ? traits : e.user,
    user_id: stripUser || forged ? null : e.user_id,
    context: { ...e.context, ip: ipView },
  };
}
