/**
 * Addresses Tagwire's Durable Objects. Every object is reached through `objectIn`, so the config's `residency`
 * (a jurisdiction such as the EU) applies to all of them: an object addressed any other way would be created
 * wherever Cloudflare places it, and a name addressed in and out of a jurisdiction is two different objects.
 */
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import type { Env } from "../env.ts";

export type Residency = NonNullable<Config["residency"]>;

/** The Env keys that hold a Durable Object namespace (Env's index signature for secrets left out). */
export type ObjectBinding = keyof {
  [K in keyof Env as string extends K ? never : Env[K] extends DurableObjectNamespace<infer _> ? K : never]: true;
};

type StubOf<K extends ObjectBinding> = Env[K] extends DurableObjectNamespace<infer T> ? DurableObjectStub<T> : never;

/** What objectIn needs: the namespaces and the config (filled in from the bundle by configOf.env). */
export type ObjectEnv<K extends ObjectBinding = ObjectBinding> = Pick<Env, K | "TAGWIRE_CONFIG">;

/**
 * The configured residency. Read from env (the config the Worker was handed) rather than passed down, so
 * call sites that only have env need no new parameter. A broken config throws: guessing "no residency"
 * would create objects outside the jurisdiction, and the callers (the consumer, counting) retry or log.
 */
export function residencyOf(env: Pick<Env, "TAGWIRE_CONFIG">): Residency | undefined {
  const loaded = loadConfig(env.TAGWIRE_CONFIG);
  if (!loaded.ok) throw new Error("config invalid: cannot tell which jurisdiction Durable Objects live in");
  return loaded.config.residency;
}

let warned = false;

/** The namespace objects are created in: the jurisdiction's, or the binding itself when none is configured. */
function namespaceIn(ns: DurableObjectNamespace, residency: Residency | undefined): DurableObjectNamespace {
  if (!residency) return ns;
  try {
    return ns.jurisdiction(residency);
  } catch (e) {
    // Local workerd (wrangler dev, tests) has no jurisdictions and throws; Cloudflare's runtime does not.
    if (!(e instanceof Error && /not implemented in workerd/.test(e.message))) throw e;
    if (!warned) console.warn(`tagwire: residency "${residency}" is not emulated locally; local objects have no jurisdiction`);
    warned = true;
    return ns;
  }
}

/** The stub of the object `name` in `binding`, created in the configured jurisdiction. */
export function objectIn<K extends ObjectBinding>(env: ObjectEnv<K>, binding: K, name: string): StubOf<K> {
  const ns = namespaceIn(env[binding] as unknown as DurableObjectNamespace, residencyOf(env));
  return ns.get(ns.idFromName(name)) as unknown as StubOf<K>;
}
