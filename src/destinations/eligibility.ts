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

export function eligibility(
  cfg: Config,
  destId: string,
  dest: DestinationConfig,
  def: DestinationDefinition,
  e: CanonicalEvent,
): Eligibility {
  if (!dest.enabled) return { ok: false, reason: "destination disabled" };
  // A gtag hit the plan rejects or drops still reaches GA4 as a hit (as it did before Tagwire), nowhere else.
  if (e.ga4_only && !(dest.type === "ga4" && dest.transport === "collect")) {
    return { ok: false, reason: "gtag hit outside the tracking plan (GA4 only)" };
  }
  if (e.context.bot && !dest.forward_bots) return { ok: false, reason: "bot" };
  const purpose = purposeOf(dest, def);
  if (purpose === "analytics" && !e.consent.analytics) return { ok: false, reason: "consent: analytics denied" };
  if (purpose === "ads" && (!e.consent.ads || e.consent.gpc)) {
    return { ok: false, reason: e.consent.gpc ? "consent: GPC denies ads" : "consent: ads denied" };
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
  if (ipView === ip && !stripUser) return e;
  return {
    ...e,
    user: stripUser ? {} : e.user,
    user_id: stripUser ? null : e.user_id,
    context: { ...e.context, ip: ipView },
  };
}
