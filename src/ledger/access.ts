/**
 * Who may read the ledger (inspector, counts, reconciliation): the admin bearer token, or a Cloudflare Access
 * JWT whose RS256 signature verifies against the team's published keys, with the configured audience, the
 * team issuer and an unexpired `exp`. A header that is merely present proves nothing: anyone can send one
 * to a workers.dev or preview URL that Access does not cover.
 */
import type { AccessConfig } from "./settings.ts";

const CERTS_TTL_MS = 10 * 60_000;
const certsCache = new Map<string, { keys: JsonWebKey[]; until: number }>();

const b64url = (s: string): Uint8Array<ArrayBuffer> => {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(s.length / 4) * 4, "="));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};
const jsonPart = (s: string): Record<string, unknown> | null => {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(b64url(s)));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

async function certs(url: string, fetcher: typeof fetch, now: number, fresh = false): Promise<JsonWebKey[]> {
  const hit = certsCache.get(url);
  if (hit && hit.until > now && !fresh) return hit.keys;
  const res = await fetcher(url);
  if (!res.ok) throw new Error(`Access certs answered ${res.status}`);
  const body = (await res.json()) as { keys?: JsonWebKey[] };
  const keys = Array.isArray(body.keys) ? body.keys : [];
  certsCache.set(url, { keys, until: now + CERTS_TTL_MS });
  return keys;
}

export type AccessVerdict = { ok: true; email: string | null } | { ok: false; why: string };

export async function verifyAccessJwt(jwt: string, cfg: AccessConfig, now: number, fetcher: typeof fetch = fetch): Promise<AccessVerdict> {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { ok: false, why: "not a JWT" };
  const [h, p, sig] = parts as [string, string, string];
  const header = jsonPart(h);
  const payload = jsonPart(p);
  if (!header || !payload) return { ok: false, why: "unreadable JWT" };
  if (header.alg !== "RS256") return { ok: false, why: "alg must be RS256" };
  let keys = await certs(cfg.certs_url, fetcher, now);
  // A key rotated in since the last fetch: fetch once more.
  if (!keys.some((k) => (k as { kid?: string }).kid === header.kid)) keys = await certs(cfg.certs_url, fetcher, now, true);
  const jwk = keys.find((k) => (k as { kid?: string }).kid === header.kid);
  if (!jwk) return { ok: false, why: "unknown signing key" };
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, b64url(sig), new TextEncoder().encode(`${h}.${p}`));
  if (!valid) return { ok: false, why: "bad signature" };
  const aud = payload.aud;
  if (!(Array.isArray(aud) ? aud.includes(cfg.audience) : aud === cfg.audience)) return { ok: false, why: "wrong audience" };
  const issuer = cfg.issuer ?? new URL(cfg.certs_url).origin;
  if (payload.iss !== issuer) return { ok: false, why: "wrong issuer" };
  if (typeof payload.exp !== "number" || payload.exp * 1000 <= now) return { ok: false, why: "expired" };
  if (typeof payload.nbf === "number" && payload.nbf * 1000 > now + 60_000) return { ok: false, why: "not yet valid" };
  return { ok: true, email: typeof payload.email === "string" ? payload.email : null };
}
