/** Sends browser and signed server events for identity tests, and reads the graph's nodes directly. */
import { graphStub } from "../../../src/identity/graph/IdentityGraph.ts";
import { anonymousKey, emailKey, graphShard, userKey } from "../../../src/identity/graph/nodes.ts";
import { signedRequest } from "../../helpers/s2s.ts";
import { bucket, call, configWithHook, doubleRequests, send, testEnv } from "../../helpers/worker.ts";

export const DAY = 86_400_000;

export type Sent = {
  event_id: string;
  name: string;
  source: string;
  user_id: string | null;
  click_ids: Record<string, string>;
  attribution?: {
    first_touch: { source: string; medium: string; campaign: string | null; click_ids: Record<string, { value: string; at: number }> } | null;
    last_touch: { source: string; medium: string; campaign: string | null } | null;
    seconds_from_first_touch: number | null;
    seconds_from_first_visit: number | null;
  };
};

export const uid = () => crypto.randomUUID().replace(/-/g, "").slice(0, 16);

/** A fresh webhook bucket and a config accepting event times up to 30 days back. */
export function setup(patch?: (c: Record<string, any>) => void) {
  const b = bucket();
  const config = configWithHook(b, (c) => {
    c.time_tolerance_hours = 24 * 30;
    patch?.(c);
  });
  return {
    config,
    sent: async () => (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events as Sent[]),
    browser: (anon: string, session: string, body: Record<string, unknown>, cookies = "") =>
      send(body, { config, headers: { cookie: `tw_id=${anon}; tw_sid=${session}${cookies ? `; ${cookies}` : ""}` } }),
    server: async (body: Record<string, unknown>) => call(await signedRequest(body), { config }),
  };
}

const shards = 8;

export async function nodeOf(key: string) {
  return graphStub(testEnv, graphShard(key, shards)).node(key);
}

/** The root a key resolves to, following aliases (null when the key is not in the graph). */
export async function rootOf(key: string): Promise<string | null> {
  let k = key;
  for (let i = 0; i < 5; i++) {
    const n = await nodeOf(k);
    if (!n) return i === 0 ? null : k;
    if (n.root === null) return k;
    k = n.root;
  }
  return k;
}

export const keys = {
  anon: anonymousKey,
  user: async (u: string) => (await userKey(u))!,
  email: async (e: string) => (await emailKey(e))!,
};

/** A session id as the browser's cookie holds it (Unix seconds). */
export const sessionAt = (ms: number) => String(Math.floor(ms / 1000));
