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
