/** The shape of every HubSpot API request, and reading contact ids out of batch answers. */
import type { BuiltRequest } from "../types.ts";
import { API_HOST } from "./settings.ts";

export function hubspotRequest(base: string | undefined, path: string, token: string | undefined, body: unknown, ids: string[]): BuiltRequest {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return { event_ids: ids, request: { method: "POST", url: `${base ?? API_HOST}${path}`, headers, body: JSON.stringify(body) } };
}

export interface FoundContact {
  id: string;
  properties: Record<string, unknown>;
}

/** Contacts of a batch read/upsert answer keyed by lowercased email; empty when the body is not one. */
export function contactsByEmail(body: string): Map<string, FoundContact> {
  const out = new Map<string, FoundContact>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return out;
  }
  const results = (parsed as { results?: unknown })?.results;
  if (!Array.isArray(results)) return out;
  for (const r of results as { id?: unknown; properties?: Record<string, unknown> }[]) {
    const email = r?.properties?.email;
    if (typeof r?.id === "string" && typeof email === "string") out.set(email.toLowerCase(), { id: r.id, properties: r.properties! });
  }
  return out;
}
