/**
 * P/admin/*: operator endpoints, authenticated by `Authorization: Bearer <the secret named by
 * admin.token_secret>`. GET dead-letters lists them; POST replay re-enqueues them with their original
 * event_id (dedupe is not consulted: the event was accepted once already).
 */
import { deadLetters, type DeadLetter, type DeadLetterQuery } from "../delivery/DeadLetters.ts";
import { unavailable } from "../ingest/handoff.ts";
import { sendAll } from "../queue/messages.ts";
import { parseJson, readText } from "../http/body.ts";
import { HttpError, json } from "../http/responses.ts";
import { timingSafeEqualText } from "../s2s/verify.ts";
import type { RouteContext } from "./context.ts";

export function requireAdmin(request: Request, rc: RouteContext): void {
  const token = rc.env[rc.cfg.admin.token_secret];
  const auth = request.headers.get("authorization") ?? "";
  const given = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  if (typeof token !== "string" || token === "" || !timingSafeEqualText(given, token)) {
    throw new HttpError(401, "unauthorized", [{ path: "Authorization", message: `admin endpoints need Bearer <${rc.cfg.admin.token_secret}>` }]);
  }
}

/** Reads destination, since (ISO date or epoch ms) and limit from a query string or a JSON body. */
function queryOf(src: Record<string, unknown>, rc: RouteContext): DeadLetterQuery {
  const q: DeadLetterQuery = {};
  if (src.destination !== undefined && src.destination !== null && src.destination !== "") {
    if (typeof src.destination !== "string" || !(src.destination in rc.cfg.destinations)) {
      throw new HttpError(400, "invalid_query", [{ path: "destination", message: `unknown destination (known: ${Object.keys(rc.cfg.destinations).join(", ")})` }]);
    }
    q.destination = src.destination;
  }
  if (src.since !== undefined && src.since !== null && src.since !== "") {
    const since = /^\d+$/.test(String(src.since)) ? Number(src.since) : Date.parse(String(src.since));
    if (Number.isNaN(since)) throw new HttpError(400, "invalid_query", [{ path: "since", message: "expected an ISO 8601 date or epoch milliseconds" }]);
    q.since = since;
  }
  if (src.limit !== undefined && src.limit !== null && src.limit !== "") {
    const limit = Number(src.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError(400, "invalid_query", [{ path: "limit", message: "an integer from 1 to 1000" }]);
    q.limit = limit;
  }
  return q;
}

export async function listDeadLetters(request: Request, rc: RouteContext): Promise<Response> {
  requireAdmin(request, rc);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const q = { ...queryOf(params, rc), replayed: params.replayed === "true" };
  const store = deadLetters(rc.env);
  // Says whether new dead letters are encrypted (and how to fix it when they are not).
  return json(200, { dead_letters: await store.list(q, rc.now), store: store.status() });
}

export async function replayDeadLetters(request: Request, rc: RouteContext): Promise<Response> {
  requireAdmin(request, rc);
  const text = await readText(request, 16 * 1024);
  const body = text.trim() === "" ? {} : parseJson(text);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "invalid_query", [{ path: "body", message: "expected an object {destination?, since?, limit?}" }]);
  }
  const store = deadLetters(rc.env);
  // Only rows the store could open are taken (a row sealed with a key no longer set stays a dead letter).
  const taken = (await store.takeForReplay(queryOf(body as Record<string, unknown>, rc), rc.now)).filter(
    (d): d is DeadLetter & { event: NonNullable<DeadLetter["event"]> } => d.event !== null,
  );
  try {
    await sendAll(
      rc.env.DELIVERY_QUEUE,
      taken.map((d) => ({
        body: {
          v: 2,
          kind: "deliver",
          events: [d.event],
          destinations: [d.destination],
          attempt: 0,
          replayed_at: rc.now,
          // What delivery had achieved before it gave up: the replay does not repeat those steps.
          ...(d.progress ? { progress: { [d.event_id]: d.progress } } : {}),
        },
      })),
    );
  } catch {
    await store.unmark(taken.map((d) => d.id));
    throw unavailable("the delivery queue");
  }
  return json(202, { replayed: taken.length, event_ids: taken.map((d) => d.event_id) });
}
