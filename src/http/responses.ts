/** JSON answers and the error shape every 4xx uses: {"error": code, "details": [{path, message}]}. */

export interface Detail {
  path: string;
  message: string;
}

export function json(status: number, body: unknown, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: h });
}

export function errorResponse(status: number, error: string, details: Detail[], headers?: HeadersInit): Response {
  return json(status, { error, details }, headers);
}

/** An error that a route throws to answer with a 4xx. */
export class HttpError extends Error {
  /** Headers the answer must carry anyway (CORS). */
  headers: Headers | undefined;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details: Detail[],
  ) {
    super(`${code}: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`);
  }
}

const HEADER_MAX = 2_000;

/**
 * JSON for a response header: ASCII only (anything else, including what a request echoed, becomes a \u escape,
 * so the value stays valid JSON), and short (the first detail only when the whole would be too long).
 */
export function headerJson(value: { error: string; details: Detail[] }): string {
  const ascii = (v: unknown) =>
    JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const full = ascii(value);
  if (full.length <= HEADER_MAX) return full;
  const first = value.details[0];
  const short = first ? [{ path: first.path.slice(0, 200), message: first.message.slice(0, 300) }] : [];
  return ascii({ error: value.error, details: short });
}
