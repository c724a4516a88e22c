/**
 * The SDK as served for one config: the build leaves placeholders where the global name (window.tagwire) and
 * the events route (e) go, and the Worker fills in the configured ones once per config. The ETag and the
 * versioned path name these exact bytes.
 */
import { SDK_HASH, SDK_JS } from "./generated.ts";

export const GLOBAL_PLACEHOLDER = "__TW_GLOBAL__";
export const EVENTS_PLACEHOLDER = "__TW_EVENTS__";
export const DEFAULT_GLOBAL = "tagwire";
export const DEFAULT_EVENTS = "e";

export interface ServedSdk {
  js: string;
  /** 12 hex: the ETag and the <sdk>.<hash>.js path. The build's own hash when the names are the defaults. */
  hash: string;
}

/** FNV-1a, 64-bit, as hex: a synchronous fingerprint (the names are config, not attacker input). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

const cache = new Map<string, ServedSdk>();

export function servedSdk(global: string = DEFAULT_GLOBAL, events: string = DEFAULT_EVENTS): ServedSdk {
  const key = `${global}\n${events}`;
  let s = cache.get(key);
  if (!s) {
    const js = SDK_JS.replaceAll(GLOBAL_PLACEHOLDER, global).replaceAll(EVENTS_PLACEHOLDER, events);
    const hash = global === DEFAULT_GLOBAL && events === DEFAULT_EVENTS ? SDK_HASH : fnv1a64(`${SDK_HASH}\n${key}`).slice(0, 12);
    s = { js, hash };
    cache.set(key, s);
  }
  return s;
}
