/**
 * Erasure reaches the ledger and the archive (docs/identity.md): erasing a person by email removes the events
 * of the device linked to that email from both, and leaves everyone else's.
 */
import { expect, it } from "vitest";
import { gunzipLines, archiveKeyOf } from "../../src/archive/lines.ts";
import type { ListedEvent } from "../../src/ledger/Ledger.ts";
import { signedRequest } from "../helpers/s2s.ts";
import { BASE, call, P, send, testEnv } from "../helpers/worker.ts";
import { keys, sessionAt } from "../identity/graph/helpers.ts";
import { ADMIN, get, ledgerConfig } from "../ledger/helpers.ts";

const uid = () => crypto.randomUUID().replace(/-/g, "").slice(0, 12);

async function archivedIds(): Promise<{ ids: Set<string>; keys: Set<string> }> {
  const ids = new Set<string>();
  const ks = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await testEnv.ARCHIVE!.list({ prefix: "archive/", limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const o of page.objects) {
      for (const l of await gunzipLines((await testEnv.ARCHIVE!.get(o.key))!.body)) {
        ids.add(l.id);
        for (const k of l.k) ks.add(k);
      }
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { ids, keys: ks };
}

async function ledgerHas(config: unknown, eventId: string): Promise<boolean> {
  const body = (await (await get(`/inspector/events?q=${eventId}`, config)).json()) as { events: ListedEvent[] };
  return body.events.some((e) => e.event_id === eventId);
}

it("after erasure nothing of the person remains in the ledger or the archive; others' events stay", async () => {
  const t = ledgerConfig();
  const o = { config: t.config };
  const [anon, other, email] = [`anon_${uid()}`, `anon_${uid()}`, `gone.${uid()}@example.com`];
  const cookie = (a: string) => ({ cookie: `tw_id=${a}; tw_sid=${sessionAt(Date.now())}` });
  const linked = `evt_${uid()}`;
  const mine = [`evt_${uid()}`, `evt_${uid()}`];
  const theirs = `evt_${uid()}`;
  // The server links the browser's anonymous id to the email; the browser's own events carry only the anonymous id.
  await call(await signedRequest({ type: "identify", name: "user_identified", event_id: linked, anonymous_id: anon, traits: { email } }), o);
  for (const id of mine) await send({ name: "lead_submitted", event_id: id, properties: { lead_id: `ld_${uid()}` } }, { ...o, headers: cookie(anon) });
  await send({ name: "lead_submitted", event_id: theirs, properties: { lead_id: `ld_${uid()}` } }, { ...o, headers: cookie(other) });
  for (const id of [linked, ...mine, theirs]) expect(await ledgerHas(t.config, id)).toBe(true);
  const before = await archivedIds();
  for (const id of [linked, ...mine, theirs]) expect(before.ids.has(id)).toBe(true);

  const res = await call(
    new Request(`${BASE}${P}/admin/erase`, { method: "POST", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify({ email }) }),
    o,
  );
  expect(res.status).toBe(200);
  const answer = (await res.json()) as { erased: Record<string, number>; archive: { objects_scanned: number; objects_rewritten: number; complete: boolean } };
  expect(answer.erased.ledger_events).toBe(3);
  expect(answer.erased.archive_events).toBe(3);
  expect(answer.archive.objects_rewritten).toBeGreaterThanOrEqual(1);
  expect(answer.archive.complete).toBe(true);

  for (const id of [linked, ...mine]) expect(await ledgerHas(t.config, id)).toBe(false);
  expect(await ledgerHas(t.config, theirs)).toBe(true);
  const after = await archivedIds();
  for (const id of [linked, ...mine]) expect(after.ids.has(id)).toBe(false);
  expect(after.ids.has(theirs)).toBe(true);
  for (const k of [await keys.anon(anon), await keys.email(email)]) expect(after.keys.has(await archiveKeyOf(k))).toBe(false);
  // The ledger's searchable anonymous-id hash finds nothing either.
  const byAnon = (await (await get(`/inspector/events?q=${anon}`, t.config)).json()) as { events: ListedEvent[] };
  expect(byAnon.events).toEqual([]);
}, 30_000);
