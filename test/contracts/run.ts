/** Runs events through the real delivery path for one destination, capturing what would go on the wire. */
import { Config } from "../../src/config/schema.ts";
import { deliver, type EventResult } from "../../src/delivery/deliver.ts";
import { definitionOf } from "../../src/destinations/registry.ts";
import type { CanonicalEvent } from "../../src/event/canonical.ts";
import { NOW } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

export const DEST_ID = "dest";

export interface Captured {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface RunOptions {
  settings?: Record<string, unknown>;
  plan?: Record<string, string>;
  responses?: { status: number; body?: string; headers?: Record<string, string> }[];
  now?: number;
  rules?: unknown[];
}

export function contractConfig(mod: ContractModule, opts: RunOptions = {}): Config {
  const plan = { ...mod.plan, ...opts.plan };
  return Config.parse({
    prefix: "",
    destinations: { [DEST_ID]: { type: mod.type, mode: "live", ...mod.settings, ...opts.settings } },
    rules: opts.rules ?? [],
    plan: {
      unknown_events: "flag",
      events: Object.fromEntries(
        Object.entries(plan).map(([name, vendor]) => [
          name,
          { description: `${name} (contract fixture)`, owner: "tests", destinations: { [DEST_ID]: vendor } },
        ]),
      ),
    },
  });
}

export async function runContract(
  mod: ContractModule,
  events: CanonicalEvent[],
  opts: RunOptions = {},
): Promise<{ requests: Captured[]; results: EventResult[] }> {
  const cfg = contractConfig(mod, opts);
  const def = definitionOf(mod.type);
  const dest = cfg.destinations[DEST_ID]!;
  const tokenUrl = def.auth
    ? def.auth.request(dest, Object.fromEntries(def.secretKeys.map((k) => [k, mod.secrets[String(dest[k])]])), dest.endpoint).url
    : undefined;
  const requests: Captured[] = [];
  const responses = [...(opts.responses ?? [])];
  const results = await deliver(DEST_ID, events, {
    cfg,
    secret: (name) => mod.secrets[name],
    now: () => opts.now ?? NOW,
    fetch: async (req) => {
      if (tokenUrl && req.url === tokenUrl) {
        return Response.json({ access_token: mod.accessToken ?? "test-access-token", expires_in: 3600 });
      }
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => (headers[k] = v));
      const body = req.method === "GET" ? undefined : await req.text();
      requests.push({ method: req.method, url: req.url, headers, body });
      const r = responses.shift() ?? { status: 200, body: "{}" };
      return new Response(r.body ?? "{}", { status: r.status, headers: r.headers ?? { "content-type": "application/json" } });
    },
  });
  return { requests, results };
}

export function parseBody(body: string | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
