/** npm run erase and npm run backfill against a loopback stand-in: what they send, what they print, how they fail. */
import { expect, it } from "vitest";
import { runScript, standIn } from "./standIn.ts";

const stub = standIn();
const TOKEN = { TAGWIRE_ADMIN_TOKEN: "tok_123" };
const run = (script: string, args: string[], env: Record<string, string> = TOKEN) => runScript([], [`scripts/${script}`, ...args, "--url", stub.base], env);

it("erase posts the person with the token and prints what was removed", async () => {
  stub.seen.length = 0;
  stub.answer = { status: 200, body: { erased: { identity_graph: 2, dedupe_holds: 0, dead_letters: 1, debug_log: 3, ledger_events: 4, archive_events: 5 }, not_erased: ["what vendors already received"] } };
  const r = await run("erase.mjs", ["--email", "ada@example.com"]);
  expect(r.code, r.stderr).toBe(0);
  expect(stub.seen).toEqual([{ method: "POST", url: "/k7q/admin/erase", auth: "Bearer tok_123", body: '{"email":"ada@example.com"}' }]);
  expect(r.stdout).toContain("erased: 2 graph node(s), 0 held event(s), 1 dead letter(s), 3 debug log entr(ies), 4 ledger event(s), 5 archived event(s)");
  expect(r.stdout).toContain("  - what vendors already received");
});

it("backfill follows the endpoint's pages and sums them; a refusal exits 2 with the status", async () => {
  stub.seen.length = 0;
  const pages = [
    { objects: 2, events: 10, enqueued: 8, outside_window: 2, unreadable: 0, next: "2026-11-30T10" },
    { objects: 1, events: 5, enqueued: 5, outside_window: 0, unreadable: 0 },
  ];
  // Page n answers the n-th request; anything past the last page ends the walk.
  stub.answer = (seen) => ({ status: 200, body: pages[seen.length - 1] ?? pages[1] });
  const r = await run("backfill.mjs", ["--destination", "meta", "--since", "2026-11-29"]);
  expect(r.code, r.stderr).toBe(0);
  expect(stub.seen.map((s) => JSON.parse(s.body))).toEqual([
    { destination: "meta", since: "2026-11-29" },
    { destination: "meta", since: "2026-11-29", after: "2026-11-30T10" },
  ]);
  expect(r.stdout).toContain("meta: 13 event(s) queued from 3 archive object(s); 2 outside its freshness window, 0 unreadable (key not set), 15 read");

  stub.answer = { status: 400, body: { error: "invalid_backfill", details: [{ path: "destination", message: "unknown" }] } };
  const bad = await run("backfill.mjs", ["--destination", "nope", "--since", "2026-11-29"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim()).toBe('backfill: 400 {"error":"invalid_backfill","details":[{"path":"destination","message":"unknown"}]}');
});

it("says in one line when the Worker cannot be reached", async () => {
  const r = await runScript([], ["scripts/erase.mjs", "--email", "a@b.co", "--url", "http://127.0.0.1:9/k7q"], TOKEN);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^erase: cannot reach http:\/\/127\.0\.0\.1:9\/k7q: /);
});
