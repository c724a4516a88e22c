/**
 * Readers shared by the product-analytics destinations (Segment, PostHog, Mixpanel, Amplitude): who the
 * user is, a vendor-safe id derived from the event_id, and the traits as given.
 */
import type { CanonicalEvent, UserTraits } from "../event/canonical.ts";
import { sha256Hex } from "../identity/hash.ts";

/** The id these tools key people by: the known user, else Tagwire's visitor id. */
export function distinctIdOf(e: CanonicalEvent): string | undefined {
  return e.user_id ?? e.anonymous_id ?? undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event_id when it is a UUID, else a stable UUID-shaped digest of it (same id → same UUID, for dedupe). */
export async function uuidOf(eventId: string): Promise<string> {
  if (UUID.test(eventId)) return eventId.toLowerCase();
  const h = await sha256Hex(`tagwire:${eventId}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Traits with empty values left out; undefined when there are none. */
export function traitsOf(u: UserTraits): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(u)) if (typeof v === "string" && v.trim()) out[k] = v.trim();
  return Object.keys(out).length ? out : undefined;
}

/**
 * A conversion's attribution (src/identity/graph) as a few flat properties, for tools that chart by
 * property: first and last touch source/medium/campaign and the time to conversion. Empty when absent.
 * The event's own properties win on a name clash.
 */
export function attributionProps(e: CanonicalEvent): Record<string, string | number> {
  const a = e.attribution;
  const out: Record<string, string | number> = {};
  if (!a) return out;
  const put = (k: string, v: string | number | null | undefined) => {
    if (v !== null && v !== undefined && !(k in e.properties)) out[k] = v;
  };
  put("first_touch_source", a.first_touch?.source);
  put("first_touch_medium", a.first_touch?.medium);
  put("first_touch_campaign", a.first_touch?.campaign);
  put("last_touch_source", a.last_touch?.source);
  put("last_touch_medium", a.last_touch?.medium);
  put("last_touch_campaign", a.last_touch?.campaign);
  put("seconds_to_conversion", a.seconds_from_first_touch);
  return out;
}
