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

type RawResult = { id?: unknown; properties?: Record<string, unknown> };

function results(body: string): RawResult[] {
  try {
    const r = (JSON.parse(body) as { results?: unknown })?.results;
    return Array.isArray(r) ? (r as RawResult[]) : [];
  } catch {
    return [];
  }
}

/** The id of the only contact a batch answer holds (for answers that do not echo the email). */
export function onlyContactId(body: string): string | undefined {
  const r = results(body);
  return r.length === 1 && typeof r[0]?.id === "string" ? r[0].id : undefined;
}

/** Contacts of a batch read/upsert answer keyed by lowercased email; empty when the body is not one. */
export function contactsByEmail(body: string): Map<string, FoundContact> {
  const out = new Map<string, FoundContact>();
  for (const r of results(body)) {
    const email = r?.properties?.email;
    if (typeof r?.id === "string" && typeof email === "string") out.set(email.toLowerCase(), { id: r.id, properties: r.properties! });
  }
  return out;
}
