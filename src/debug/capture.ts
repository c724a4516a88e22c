/**
 * Capture mode: an operator switches on, for a few minutes, the full timeline of production events (the raw
 * request and the cookies Tagwire reads, the canonical event, each built request with secrets redacted and the
 * vendor's answer), like a debugger's sample. The state lives in the DebugLog object; each isolate keeps a copy
 * for CHECK_MS. The request path never awaits it: a stale copy is refreshed in the background (waitUntil), so a
 * capture reaches every isolate within CHECK_MS. The consumer awaits a stale copy (it is not on a beacon's path).
 */
import type { Config } from "../config/schema.ts";
import type { Env } from "../env.ts";
import type { CaptureState } from "./DebugLog.ts";
import { debugLog } from "./record.ts";

export type { CaptureState };


/** How long an isolate trusts its copy of the capture state. */
export const CHECK_MS = 15_000;

let copy: { state: CaptureState | null; checkedAt: number } | null = null;
let refreshing: Promise<void> | null = null;

async function refresh(env: Env, now: number): Promise<void> {
  try {
    copy = { state: (await debugLog(env).capture()) as CaptureState | null, checkedAt: now };
  } catch (e) {
    // Unknown is off: capturing is never worth failing or slowing delivery for. Ask again after CHECK_MS.
    copy = { state: copy?.state ?? null, checkedAt: now };
    console.error("tagwire: could not read the capture state", e instanceof Error ? e.message : String(e));
  }
}

const stale = (now: number) => copy === null || now - copy.checkedAt >= CHECK_MS;

/** The request path's view: this isolate's copy, refreshed in the background when stale. Never waits. */
export function captureSeen(env: Env, exec: ExecutionContext, now: number): CaptureState | null {
  if (stale(now) && refreshing === null) {
    refreshing = refresh(env, now).finally(() => (refreshing = null));
    exec.waitUntil(refreshing);
  }
  return copy?.state ?? null;
}

/** The consumer's view: refreshed (awaited) when stale. */
export async function captureNow(env: Env, now: number): Promise<CaptureState | null> {
  if (stale(now)) await (refreshing ?? refresh(env, now));
  return copy?.state ?? null;
}

/** Tells this isolate at once (the isolate that started or stopped a capture). */
export function captureChanged(state: CaptureState | null, now: number): void {
  copy = { state, checkedAt: now };
}

/** Whether an event of this name is captured now: debug captures everything, a capture its names until it ends. */
export function captures(cfg: Config, state: CaptureState | null, name: string, now: number): boolean {
  if (cfg.debug) return true;
  if (!cfg.capture.enabled || state === null || now >= state.until) return false;
  return state.events === null || state.events.includes(name);
}

/** When an entry logged now must be deleted: never in debug (development), else keep_hours from now. */
export function expiryOf(cfg: Config, now: number): number | null {
  return cfg.debug ? null : now + cfg.capture.keep_hours * 3_600_000;
}
