/**
 * The event archive (docs/archive.md): the consumer writes each batch's accepted events under its hour, gzip
 * JSON lines with every event sealed; P/admin/backfill sends a newly added destination what it missed within
 * its freshness window, through the normal delivery path.
 */
import { expect, it } from "vitest";
import { openLine, gunzipLines, hourPrefix } from "../../src/archive/lines.ts";
import { sealingKey } from "../../src/delivery/seal.ts";
import { signedRequest } from "../helpers/s2s.ts";
import { BASE, call, doubleRequests, P, send, testEnv } from "../helpers/worker.ts";
import { ADMIN, ledgerConfig, get } from "../ledger/helpers.ts";
import type { ListedEvent } from "../../src/ledger/Ledger.ts";

const uid = () => crypto.randomUUID().replace(/-/g, "").slice(0, 12);
const HOUR = 3_600_000;

/** Every archived line of this hour holding one of these event ids, with its object's key and raw text. */
async function archived(ids: readonly string[]) {
  const out: { key: string; raw: Uint8Array; line: Awaited<ReturnType<typeof gunzipLines>>[number] }[] = [];
  const listed = await testEnv.ARCHIVE!.list({ prefix: hourPrefix(Date.now()), limit: 1000 });
  for (const o of listed.objects) {
    const obj = await testEnv.ARCHIVE!.get(o.key);
    const raw = new Uint8Array(await obj!.arrayBuffer());
    const lines = await gunzipLines(new Blob([raw]).stream());
    for (const line of lines) if (ids.includes(line.id)) out.push({ key: o.key, raw, line });
  }
  return out;
}

const backfillRequest = (body: unknown) =>
  new Request(`${BASE}${P}/admin/backfill`, { method: "POST", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify(body) });

it("archives accepted events per hour, gzip JSON lines, readable back with the key and with no PII in clear", async () => {
  const t = ledgerConfig();
  const email = `arch.${uid()}@example.com`;
  const anon = `anon_${uid()}`;
  const id = `evt_${uid()}`;
  const res = await call(
    await signedRequest({ type: "track", name: "lead_submitted", event_id: id, anonymous_id: anon, properties: { lead_id: `ld_${uid()}` }, traits: { email } }),
    { config: t.config },
  );
  expect(res.status).toBe(202);
  const found = await archived([id]);
  expect(found).toHaveLength(1);
  const { key, raw, line } = found[0]!;
  expect(key).toMatch(/^archive\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[0-9a-f]{24}\.jsonl\.gz$/);
  expect(key.startsWith(hourPrefix(Date.now())) || key.startsWith(hourPrefix(Date.now() - HOUR))).toBe(true);
  // gzip magic bytes; and neither the object nor its decompressed lines hold the email or the anonymous id.
  expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
  const text = JSON.stringify(line);
  expect(text).not.toContain(email);
  expect(text).not.toContain(anon);
  expect(line.n).toBe("lead_submitted");
  // With the key it opens to the canonical event as accepted.
  const event = await openLine(line, [await sealingKey(testEnv.TAGWIRE_ARCHIVE_KEY as string)]);
  expect(event?.event_id).toBe(id);
  expect(event?.anonymous_id).toBe(anon);
  expect(event?.user.email).toBe(email);
  // Another key opens nothing.
  expect(await openLine(line, [await sealingKey("another_key_0123456789abcdef")])).toBeUndefined();
});

it("backfills a newly added destination with what it missed inside its window, and skips what is outside", async () => {
  const t = ledgerConfig();
  const fresh = `evt_${uid()}`;
  const stale = `evt_${uid()}`;
  // Accepted before the new destination exists: the stale one happened 5 hours ago (kept, marked late).
  await send({ name: "lead_submitted", event_id: fresh, properties: { lead_id: `ld_${uid()}` } }, { config: t.config });
  await send({ name: "lead_submitted", event_id: stale, time: new Date(Date.now() - 5 * HOUR).toISOString(), properties: { lead_id: `ld_${uid()}` } }, { config: t.config });
  expect((await archived([fresh, stale])).length).toBe(2);

  const added = `added_${uid()}`;
  const addedBucket = `${t.bucket}-added`;
  const config = structuredClone(t.config);
  config.destinations[added] = { type: "webhook", mode: "live", url: `${testEnv.DOUBLE_BASE}/${addedBucket}`, secret: "TEST_WEBHOOK_SECRET", freshness_hours: 2 };
  const liveBefore = (await doubleRequests(t.bucket)).length;

  const bad = await call(backfillRequest({ destination: "nope", since: "2026-01-01" }), { config });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(await bad.json())).toContain('"path":"destination"');
  expect((await call(backfillRequest({ destination: added, since: "yesterday" }), { config })).status).toBe(400);

  const since = new Date(Date.now() - HOUR).toISOString();
  const res = await call(backfillRequest({ destination: added, since }), { config });
  expect(res.status).toBe(202);
  const report = (await res.json()) as { enqueued: number; outside_window: number; next: string | null };
  expect(report.enqueued).toBeGreaterThanOrEqual(1);
  expect(report.outside_window).toBeGreaterThanOrEqual(1);
  expect(report.next).toBeNull();

  const sent = (await doubleRequests(addedBucket)).map((r) => r.body).join("\n");
  expect(sent).toContain(fresh);
  expect(sent).not.toContain(stale);
  // Only the new destination: the one that had them already gets nothing again.
  expect((await doubleRequests(t.bucket)).length).toBe(liveBefore);
  // Recorded in the ledger like any delivery.
  const listed = (await (await get(`/inspector/events?q=${fresh}`, config)).json()) as { events: ListedEvent[] };
  const outcomes = listed.events.flatMap((e) => e.outcomes).filter((o) => o.destination === added);
  expect(outcomes.map((o) => o.reason)).toEqual(["delivered"]);
});
