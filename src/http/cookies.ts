/** Reading the Cookie header and writing Set-Cookie values, with the attributes Tagwire always uses. */

export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  maxAge: number;
  domain?: string | undefined;
  httpOnly: boolean;
}

export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  let s = `${name}=${value}; Path=/; Max-Age=${Math.floor(opts.maxAge)}; Secure; SameSite=Lax`;
  if (opts.domain) s += `; Domain=${opts.domain}`;
  if (opts.httpOnly) s += "; HttpOnly";
  return s;
}
