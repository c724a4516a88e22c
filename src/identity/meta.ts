/** Meta's first-party cookies in Meta's own formats: _fbp = fb.1.<ms>.<random>, _fbc = fb.1.<ms>.<fbclid>. */

// ASCII only and capped: a cookie value read here is written back in Set-Cookie, so it must never carry
// header-breaking or oversized text (the last part is the fbclid, same alphabet as click ids).
const FB_COOKIE = /^fb\.[0-9]\.[0-9]{10,16}\.[A-Za-z0-9_.~+/=-]{1,512}$/;

export function isMetaCookie(v: string | undefined): v is string {
  return v !== undefined && FB_COOKIE.test(v);
}

export function newFbp(now: number): string {
  const r = new Uint32Array(1);
  crypto.getRandomValues(r);
  // Meta's pixel uses a 10-digit random number.
  return `fb.1.${now}.${1_000_000_000 + (r[0]! % 9_000_000_000)}`;
}

export function newFbc(now: number, fbclid: string): string {
  return `fb.1.${now}.${fbclid}`;
}

/** The fbclid inside an _fbc value (its fourth dot-separated part and anything after). */
export function fbclidOf(fbc: string): string | undefined {
  const parts = fbc.split(".");
  return parts.length >= 4 ? parts.slice(3).join(".") : undefined;
}
