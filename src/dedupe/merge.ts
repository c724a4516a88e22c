/**
 * Merging copies of one conversion (same business key or event_id) into the one event that goes out. The
 * signed copy (the backend's) is the authority on what happened: its name, properties, value, currency,
 * user and time win. The browser's copy is the authority on who and where: its click ids, vendor cookies
 * (fbp/fbc), IP, user agent, page and campaign are kept, and so is its event_id, the one the browser's pixel
 * used, so Meta and TikTok dedupe the server event against the pixel. Consent only narrows: a purpose is
 * granted when every copy grants it. Between copies of equal trust the first one is the authority.
 */
import type { CanonicalEvent, MergedCopy } from "../event/canonical.ts";

export interface Copy {
  event: CanonicalEvent;
  signed: boolean;
}

const fromBrowser = (e: CanonicalEvent) => e.source !== "server";

const copyOf = (c: Copy): MergedCopy => ({ event_id: c.event.event_id, source: c.event.source, signed: c.signed });

/** Merges `incoming` into `held` (the copy that arrived first); returns the event to send and its trust. */
export function mergeCopies(held: Copy, incoming: Copy): Copy {
  const authority = incoming.signed && !held.signed ? incoming : held;
  const other = authority === held ? incoming : held;
  // The browser's side, when one of the two came from a browser (or the pixel).
  const browser = fromBrowser(held.event) ? held.event : fromBrowser(incoming.event) ? incoming.event : null;
  const a = authority.event;
  const b = other.event;
  const seen = new Map<string, MergedCopy>();
  for (const m of [...(held.event.merged_from ?? [copyOf(held)]), copyOf(incoming)]) {
    const k = `${m.event_id}\u0000${m.source}`;
    if (!seen.has(k)) seen.set(k, m);
  }

  const event: CanonicalEvent = {
    ...a,
    event_id: browser?.event_id ?? a.event_id,
    received_at: a.received_at < b.received_at ? a.received_at : b.received_at,
    anonymous_id: browser?.anonymous_id ?? a.anonymous_id ?? b.anonymous_id,
    session_id: browser?.session_id ?? a.session_id ?? b.session_id,
    user_id: a.user_id ?? b.user_id,
    user: { ...b.user, ...a.user },
    page: browser?.page.url ? browser.page : a.page.url ? a.page : b.page,
    campaign: browser?.campaign.source ? browser.campaign : a.campaign.source ? a.campaign : b.campaign,
    click_ids: browser ? { ...(browser === a ? b : a).click_ids, ...browser.click_ids } : { ...b.click_ids, ...a.click_ids },
    context: browser ? { ...browser.context, cookies: { ...(browser === a ? b : a).context.cookies, ...browser.context.cookies } } : a.context,
    consent: {
      analytics: a.consent.analytics && b.consent.analytics,
      ads: a.consent.ads && b.consent.ads,
      ad_user_data: a.consent.ad_user_data && b.consent.ad_user_data,
      ad_personalization: a.consent.ad_personalization && b.consent.ad_personalization,
      gpc: a.consent.gpc || b.consent.gpc,
    },
    merged_from: [...seen.values()],
  };
  return { event, signed: held.signed || incoming.signed };
}
