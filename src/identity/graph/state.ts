/**
 * What the identity graph knows of one person, and the pure functions that change it: observing an event
 * (first visit, touches, browser ids), merging two persons' states, and reading attribution and browser
 * context off a state. No storage and no clock here: the Durable Object and the consumer call these, and the
 * unit tests call them directly. Every merge is commutative and idempotent (min, max, latest-wins by time),
 * so applying the same observation or merge twice, or in another order, gives the same person.
 */
import { CLICK_ID_KEYS, type Attribution, type ClickIdKey, type ClickIds, type Seen, type Touch } from "../../event/canonical.ts";

export type { Attribution, Seen, Touch };

const DAY_MS = 86_400_000;

/** Ids a server event may get from the graph: click ids and Meta's two cookies. */
export type BrowserKey = ClickIdKey | "fbc" | "fbp";
export const BROWSER_KEYS: readonly BrowserKey[] = [...CLICK_ID_KEYS, "fbc", "fbp"];


export interface BrowserContext {
  ids: Partial<Record<BrowserKey, Seen>>;
  /** The ads consent of the person's latest browser event, and its time. */
  ads: boolean;
  consent_at: number;
}

export interface PersonState {
  /** First browser event ever seen (epoch ms): the first visit. */
  first_seen: number | null;
  first_touch: Touch | null;
  last_touch: Touch | null;
  /** The session whose first event was last observed, and when that session started. */
  last_session: string | null;
  browser: BrowserContext | null;
}

export const emptyState = (): PersonState => ({ first_seen: null, first_touch: null, last_touch: null, last_session: null, browser: null });

/** What one event tells the graph about its person. */
export interface Observation {
  at: number;
  /** Browser session id; null for server events (they are no visit and bring no touch). */
  session: string | null;
  /** The touch this event would be, when it starts a session: with a campaign signal or direct. */
  touch: Touch | null;
  /** Browser ids seen on this event, only when its ads consent allowed them. */
  browser: Partial<Record<BrowserKey, Seen>>;
  /** The event's ads consent (browser events only: a server event's consent says nothing of the browser). */
  ads: boolean | null;
}

const isDirect = (t: Touch) => t.source === "(direct)";

const earlier = (a: Touch | null, b: Touch | null): Touch | null => (!a ? b : !b ? a : b.at < a.at ? b : a);

/** Later touch wins, except that a direct one never replaces a campaign touch younger than the window. */
function lastOf(a: Touch | null, b: Touch | null, directWindowMs: number): Touch | null {
  if (!a) return b;
  if (!b) return a;
  const [old, neu] = b.at >= a.at ? [a, b] : [b, a];
  if (isDirect(neu) && !isDirect(old) && neu.at - old.at <= directWindowMs) return old;
  return neu;
}

function mergeIds<K extends string>(a: Partial<Record<K, Seen>>, b: Partial<Record<K, Seen>>): Partial<Record<K, Seen>> {
  const out: Partial<Record<K, Seen>> = { ...a };
  for (const [k, v] of Object.entries(b) as [K, Seen][]) {
    const cur = out[k];
    // The same value seen again moves its time only by more than a day: a person's every session does not
    // rewrite their row for a newer fbp timestamp.
    if (cur && cur.value === v.value && v.at - cur.at <= DAY_MS) continue;
    if (!cur || v.at > cur.at || (v.at === cur.at && v.value > cur.value)) out[k] = v;
  }
  // gclid, gbraid and wbraid exclude each other: only the latest Google click counts (as in the cookie).
  const google = (["gclid", "gbraid", "wbraid"] as string[]).filter((k) => out[k as K]);
  if (google.length > 1) {
    const latest = google.reduce((x, y) => (out[y as K]!.at > out[x as K]!.at ? y : x));
    for (const g of google) if (g !== latest) delete out[g as K];
  }
  return out;
}

function mergeBrowser(a: BrowserContext | null, b: BrowserContext | null): BrowserContext | null {
  if (!a) return b;
  if (!b) return a;
  const consent = b.consent_at >= a.consent_at ? b : a;
  return { ids: mergeIds(a.ids, b.ids), ads: consent.ads, consent_at: consent.consent_at };
}

/** Two states of one person (after a merge, or the same state twice): the same result in any order. */
export function mergeStates(a: PersonState, b: PersonState, directWindowDays: number): PersonState {
  const windowMs = directWindowDays * DAY_MS;
  const firstSeen = a.first_seen === null ? b.first_seen : b.first_seen === null ? a.first_seen : Math.min(a.first_seen, b.first_seen);
  const last = lastOf(a.last_touch, b.last_touch, windowMs);
  return {
    first_seen: firstSeen,
    first_touch: earlier(a.first_touch, b.first_touch),
    last_touch: last,
    last_session: (a.last_session ?? "") >= (b.last_session ?? "") ? a.last_session : b.last_session,
    browser: mergeBrowser(a.browser, b.browser),
  };
}

/**
 * Applies one event. A session is observed once: its first event to reach the graph records the visit and,
 * when it has a campaign signal, the touch (first touch if earlier than any, last touch unless it is direct
 * within the window after a campaign touch). Browser ids and consent are kept from every observed event.
 */
export function observe(s: PersonState, o: Observation, directWindowDays: number): PersonState {
  const next: PersonState = { ...s };
  if (o.session !== null) {
    next.first_seen = s.first_seen === null ? o.at : Math.min(s.first_seen, o.at);
    if (o.session !== s.last_session && o.touch) {
      const first = earlier(s.first_touch, o.touch);
      const last = lastOf(s.last_touch, o.touch, directWindowDays * DAY_MS);
      // A direct visit inside the window changes nothing, so it costs no write.
      if (first !== s.first_touch || last !== s.last_touch) {
        next.last_session = o.session;
        next.first_touch = first;
        next.last_touch = last;
      }
    }
  }
  if (o.ads !== null || Object.keys(o.browser).length) {
    const prev = s.browser;
    // Consent moves its time only when it changes, so an unchanged consent writes nothing.
    const changed = o.ads !== null && (prev === null || prev.ads !== o.ads);
    const b: BrowserContext = { ids: o.browser, ads: o.ads ?? prev?.ads ?? false, consent_at: changed ? o.at : (prev?.consent_at ?? 0) };
    next.browser = mergeBrowser(s.browser, b);
    if (o.ads === false && next.browser) next.browser = { ...next.browser, ids: {} };
  }
  return next;
}

export function sameState(a: PersonState, b: PersonState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}


export function attributionOf(s: PersonState, convertedAt: number): Attribution {
  const secs = (from: number | null | undefined) => (from === null || from === undefined ? null : Math.max(0, Math.round((convertedAt - from) / 1000)));
  return {
    first_touch: s.first_touch,
    last_touch: s.last_touch,
    seconds_from_first_touch: secs(s.first_touch?.at),
    seconds_from_first_visit: secs(s.first_seen),
  };
}

/** Default windows (days) within which a browser id still goes with a server event (docs/identity.md). */
export const BROWSER_WINDOW_DAYS: Readonly<Record<BrowserKey, number>> = {
  gclid: 90,
  gbraid: 90,
  wbraid: 90,
  msclkid: 90,
  fbclid: 7,
  fbc: 7,
  fbp: 90,
  ttclid: 7,
  li_fat_id: 90,
  ScCid: 28,
  rdt_cid: 28,
  epik: 30,
};

/**
 * Browser ids the graph adds to a server event: those the event lacks, seen within their window before the
 * event, when the person's latest browser consent and the event's own consent both allow ads. Never an id
 * the browser did not send: only values observed on the person's browser events.
 */
export function browserIdsFor(
  s: PersonState,
  event: { at: number; click_ids: ClickIds; ads: boolean },
  windowsDays: Partial<Record<BrowserKey, number>>,
): ClickIds {
  const out: ClickIds = {};
  if (!s.browser || !s.browser.ads || !event.ads) return out;
  const hasGoogle = ["gclid", "gbraid", "wbraid"].some((k) => event.click_ids[k as ClickIdKey]);
  for (const key of BROWSER_KEYS) {
    const seen = s.browser.ids[key];
    if (!seen || event.click_ids[key]) continue;
    if ((key === "gclid" || key === "gbraid" || key === "wbraid") && hasGoogle) continue;
    const days = windowsDays[key] ?? BROWSER_WINDOW_DAYS[key];
    if (seen.at > event.at || event.at - seen.at > days * DAY_MS) continue;
    out[key] = seen.value;
  }
  return out;
}
