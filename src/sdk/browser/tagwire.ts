/**
 * The browser SDK served at P/s.js: track / page / identify / consent, automatic and SPA page views, batched
 * sends to P/e with a bounded localStorage retry queue. Every public call is wrapped: nothing throws into the
 * host page. Size matters (≤ 1.5 KB gzipped): prefer short code over abstractions here.
 */

type Props = Record<string, unknown>;
type Consent = Record<string, boolean | "granted" | "denied">;
interface Ev {
  event_id: string;
  name: string;
  type: string;
  time: number;
  properties?: Props | undefined;
  page: { url: string; path: string; title: string; referrer: string };
  user_id?: string | undefined;
  user_id_signature?: string | undefined;
  traits?: Props | undefined;
  consent?: Consent | undefined;
}
/** A call made before the script loaded: method, arguments, time (the head snippet records these). */
type Queued = [string, unknown[], number?];
interface Stub {
  q?: Queued[];
  v?: number;
  auto_page?: boolean;
}

const w = window;
const d = document;
const QUEUE_KEY = "tw_q";
const CONSENT_KEY = "tw_consent";
const USER_KEY = "tw_uid";
const SIG_KEY = "tw_usig";
// Stored retries are bounded so a long outage cannot fill the host page's localStorage.
const QUEUE_MAX = 100;
const BATCH_MAX = 20;
const FLUSH_MS = 300;

const stub: Stub = (w as unknown as Record<string, Stub | undefined>)[TAGWIRE_GLOBAL] || {};
const script = d.currentScript as HTMLScriptElement | null;
const attr = (n: string) => script && script.getAttribute("data-" + n);
// The SDK's own URL tells where the events route is: …/P/s.js or …/P/s.<hash>.js → …/P/e.
const endpoint = attr("endpoint") || (script ? script.src : "").replace(/\/[^/?#]*([?#].*)?$/, "/" + TAGWIRE_EVENTS);
const autoPage = attr("auto-page") != "false" && stub.auto_page !== false;

let buffer: Ev[] = [];
let timer = 0;
let leaving = false;
let lastUrl = location.href;
let referrer = d.referrer;
// While replaying the head snippet's queue: when the call was really made.
let at: number | undefined;

const safe =
  <A extends unknown[], R>(f: (...a: A) => R) =>
  (...a: A): R | undefined => {
    try {
      return f(...a);
    } catch {
      return undefined;
    }
  };

const read = (k: string) => {
  try {
    return JSON.parse(localStorage.getItem(k) || "null");
  } catch {
    return null;
  }
};
const write = safe((k: string, v: unknown) => localStorage.setItem(k, JSON.stringify(v)));

const uuid = (): string =>
  crypto.randomUUID
    ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
      );

/** Keeps events that could not be delivered, newest last, at most QUEUE_MAX. */
const keep = (events: Ev[]) => write(QUEUE_KEY, (read(QUEUE_KEY) || []).concat(events).slice(-QUEUE_MAX));

const post = (events: Ev[]) => {
  const body = JSON.stringify({ batch: events });
  // Leaving the page: only a beacon survives reliably; it cannot report failure, so offline beacons are kept.
  if (leaving) {
    if (!navigator.onLine) return keep(events);
    if (navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) return;
  }
  fetch(endpoint, {
    method: "POST",
    body,
    keepalive: body.length < 60000,
    credentials: "include",
    headers: { "content-type": "text/plain" },
  }).then(
    (r) => {
      // 4xx means the events themselves are wrong: retrying cannot help. 429 and 5xx are worth another try;
      // a success means the way is clear for what earlier sends left behind.
      if (r.status == 429 || r.status > 499) keep(events);
      else if (r.ok && read(QUEUE_KEY)) retry();
    },
    () => keep(events),
  );
};

const flush = safe(() => {
  clearTimeout(timer);
  timer = 0;
  while (buffer.length) post(buffer.splice(0, BATCH_MAX));
});

/** Sends what an earlier page (or an offline moment) could not. */
const retry = safe(() => {
  const stored: Ev[] | null = read(QUEUE_KEY);
  localStorage.removeItem(QUEUE_KEY);
  if (stored && stored.length) {
    buffer = stored.concat(buffer);
    flush();
  }
});

const send = (type: string, name: string, o: Partial<Ev> & { event_id?: string | undefined }) => {
  // The server keeps a client id only in this shape and replaces any other; generating one here instead keeps
  // the returned id (the one handed to browser pixels) equal to the one Tagwire forwards.
  const given = o.event_id || "";
  const id = /^[A-Za-z0-9][\w.:-]{7,63}$/.test(given) ? given : uuid();
  // A JSON copy now: later changes to the caller's objects do not leak in, and an unserializable value
  // (a cycle, a BigInt) fails this one call instead of the whole batch at flush time.
  const ev: Ev = JSON.parse(
    JSON.stringify({
      ...o,
      event_id: id,
      name,
      type,
      time: at || Date.now(),
      page: { url: location.href, path: location.pathname, title: d.title, referrer },
      user_id: read(USER_KEY) || undefined,
      user_id_signature: read(SIG_KEY) || undefined,
      consent: read(CONSENT_KEY) || undefined,
    }),
  );
  buffer.push(ev);
  if (leaving || buffer.length >= BATCH_MAX) flush();
  else timer ||= setTimeout(flush, FLUSH_MS) as unknown as number;
  return id;
};

const api = {
  v: 1,
  track: safe((name: string, properties?: Props, opts?: { event_id?: string }) =>
    send("track", name, { properties, event_id: opts && opts.event_id }),
  ),
  page: safe((properties?: Props) => send("page", "page_viewed", { properties })),
  /** `signature`: HMAC-SHA256(secret, user_id) in hex from the site's backend, when identity.verify_user_id is on. */
  identify: safe((user_id?: string, traits?: Props, signature?: string) => {
    if (user_id) write(USER_KEY, String(user_id)), write(SIG_KEY, signature || "");
    return send("identify", "user_identified", { traits });
  }),
  /** Google Consent Mode v2 names; merged into what was said before and sent with every later event. */
  consent: safe((c: Consent) => write(CONSENT_KEY, { ...read(CONSENT_KEY), ...c })),
  /** Forgets the identified user (logout); the anonymous id stays, as it is the server's cookie. */
  reset: safe(() => [USER_KEY, SIG_KEY].map((k) => localStorage.removeItem(k))),
  flush,
};

/** A history change that moved to a new URL is a page view; the previous URL becomes its referrer. */
const navigated = safe(() => {
  if (location.href != lastUrl) {
    referrer = lastUrl;
    lastUrl = location.href;
    if (autoPage) api.page();
  }
});

safe(() => {
  if (stub.v) return; // loaded twice: the first copy stays in charge
  (w as unknown as Record<string, typeof api>)[TAGWIRE_GLOBAL] = api;
  for (const [m, a, t] of stub.q || []) {
    at = t;
    safe((api as unknown as Record<string, (...x: unknown[]) => unknown>)[m]!)(...a);
  }
  at = undefined;
  if (autoPage) api.page();
  for (const k of ["pushState", "replaceState"] as const) {
    const orig = history[k];
    history[k] = function (this: History, ...a: Parameters<History["pushState"]>) {
      const r = orig.apply(this, a);
      navigated();
      return r;
    };
  }
  const on = (t: EventTarget, e: string, f: () => void) => t.addEventListener(e, f);
  on(w, "popstate", navigated);
  on(w, "online", retry);
  on(w, "pagehide", () => {
    leaving = true;
    flush();
  });
  on(w, "pageshow", () => (leaving = false));
  on(d, "visibilitychange", () => {
    leaving = d.visibilityState == "hidden";
    if (leaving) flush();
  });
  retry();
})();
