/** Removes secret values from anything Tagwire records or logs (URLs, headers, bodies, vendor errors). */

export function redactor(secrets: Record<string, string | undefined>): (s: string) => string {
  const pairs = Object.entries(secrets).filter((p): p is [string, string] => typeof p[1] === "string" && p[1].length >= 4);
  if (pairs.length === 0) return (s) => s;
  return (s) => {
    let out = s;
    for (const [name, value] of pairs) {
      out = out.split(value).join(`[secret:${name}]`);
      const enc = encodeURIComponent(value);
      if (enc !== value) out = out.split(enc).join(`[secret:${name}]`);
    }
    return out;
  };
}

const AUTH_HEADERS = new Set(["authorization", "x-api-key", "access-token", "x-access-token"]);

export function redactHeaders(h: Record<string, string>, redact: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = AUTH_HEADERS.has(k.toLowerCase()) ? "[redacted]" : redact(v);
  return out;
}
