/**
 * The <head> queue snippet: defines `tagwire` at once so calls made before P/s.js loads are kept (with their
 * time) and replayed by the SDK, then loads the SDK. `track` already returns the event_id it will use, so the
 * id can go to browser pixels before the script arrives. Built to a one-line string; TAGWIRE_SRC is replaced
 * by the script URL.
 */
declare const TAGWIRE_SRC: string;

((w: Window & Record<string, Record<string, unknown> | undefined>, d: Document) => {
  if (w[TAGWIRE_GLOBAL]) return;
  const q: unknown[] = [];
  const t: Record<string, unknown> = (w[TAGWIRE_GLOBAL] = { q });
  for (const m of ["track", "page", "identify", "consent", "reset"]) {
    t[m] = (...a: unknown[]) => {
      let id;
      if (m == "track") {
        const o = (a[2] = { ...(a[2] as object) }) as { event_id?: string };
        // The same rule as the SDK: an id the server would not keep is replaced, so the one returned is real.
        id = o.event_id = /^[A-Za-z0-9][\w.:-]{7,63}$/.test(o.event_id || "")
          ? o.event_id!
          : crypto.randomUUID
            ? crypto.randomUUID()
            : Date.now() + "-" + Math.random().toString(36).slice(2);
      }
      q.push([m, a, Date.now()]);
      return id;
    };
  }
  const s = d.createElement("script");
  s.async = true;
  s.src = TAGWIRE_SRC;
  d.head.appendChild(s);
})(window as unknown as Window & Record<string, Record<string, unknown> | undefined>, document);
