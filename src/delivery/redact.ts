/** Removes secret values from anything Tagwire records or logs (URLs, headers, bodies, vendor errors). */

export function redactor(secrets: Record<string, string | undefined>): (s: string) => string {
  // Each secret as it may appear (as is, and URL-encoded when that differs), worked out once per redactor:
  // it runs on every URL, header and body recorded.
  const forms: { value: string; mark: string }[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== "string" || value.length < 4) continue;
    const mark = `[secret:${name}]`;
    forms.push({ value, mark });
    const enc = encodeURIComponent(value);
    if (enc !== value) forms.push({ value: enc, mark });
  }
  if (forms.length === 0) return (s) => s;
  return (s) => {
    let out = s;
    // Most strings hold no secret: a search is cheaper than splitting and joining them.
    for (const f of forms) if (out.includes(f.value)) out = out.split(f.value).join(f.mark);
    return out;
  };
}

const AUTH_HEADERS = new Set(["authorization", "x-api-key", "access-token", "x-access-token"]);

export function redactHeaders(h: Record<string, string>, redact: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = AUTH_HEADERS.has(k.toLowerCase()) ? "[redacted]" : redact(v);
  return out;
}
