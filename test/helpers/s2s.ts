/** Builds signed server-to-server requests the way docs/s2s.md tells a backend to. */
import { hmacSha256Hex } from "../../src/identity/hash.ts";
import { BASE, P } from "./worker.ts";

export const S2S_SECRET = "s2s_test_secret_0123456789";

export interface SignOptions {
  secret?: string;
  source?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Signature to send instead of the computed one. */
  signature?: string;
  /** Body actually sent, when a test tampers with it after signing. */
  sentBody?: string;
}

export async function signedRequest(body: unknown, o: SignOptions = {}): Promise<Request> {
  const raw = JSON.stringify(body);
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const sig = o.signature ?? `sha256=${await hmacSha256Hex(o.secret ?? S2S_SECRET, `${ts}.${raw}`)}`;
  return new Request(`${BASE}${P}/s2s`, {
    method: "POST",
    body: o.sentBody ?? raw,
    headers: {
      "content-type": "application/json",
      "x-tagwire-source": o.source ?? "backend",
      "x-tagwire-timestamp": String(ts),
      "x-tagwire-signature": sig,
    },
  });
}
