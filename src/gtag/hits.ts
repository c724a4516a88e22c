/**
 * GA4's /g/collect request as gtag.js sends it: GET with one hit in the query string, or POST whose query
 * string holds the parameters shared by every hit (v, tid, cid, dl, …) and whose body holds one hit per line
 * (en, ep.*, _et, …). Each hit is the shared parameters with its own line laid over them.
 */
import type { FieldError } from "../pipeline/incoming.ts";

export const MAX_HITS = 100;

export function hitsOf(query: string, body: string): URLSearchParams[] {
  const shared = new URLSearchParams(query);
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return [shared];
  return lines.map((line) => {
    const hit = new URLSearchParams(shared);
    for (const [k, v] of new URLSearchParams(line)) hit.set(k, v);
    return hit;
  });
}

const TID = /^G-[A-Z0-9]{4,16}$/;

/** What makes a hit unusable, each error naming the parameter (`batch[2].en`). */
export function hitErrors(hit: URLSearchParams, prefix: string): FieldError[] {
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  const errors: FieldError[] = [];
  if (hit.get("v") !== "2") errors.push({ path: at("v"), message: "expected 2 (GA4's protocol version)" });
  const tid = hit.get("tid");
  if (!tid || !TID.test(tid)) errors.push({ path: at("tid"), message: "expected a GA4 measurement id such as G-ABC123XYZ9" });
  const en = hit.get("en");
  if (!en) errors.push({ path: at("en"), message: "expected an event name" });
  else if (en.length > 40) errors.push({ path: at("en"), message: "at most 40 characters" });
  for (const [k, v] of hit) {
    if ((k.startsWith("epn.") || k.startsWith("upn.")) && (v.trim() === "" || !Number.isFinite(Number(v)))) {
      errors.push({ path: at(k), message: "expected a number" });
    }
  }
  return errors;
}
