/** npm run capture: what it sends to P/admin/capture and what it prints, against a loopback stand-in. */
import { expect, it } from "vitest";
import { runScript, standIn } from "./standIn.ts";

const stub = standIn();
const run = (args: string[], env: Record<string, string> = { TAGWIRE_ADMIN_TOKEN: "tok_123" }, url?: string) =>
  runScript([], ["scripts/capture.mjs", ...args, "--url", url ?? stub.base], env);

const active = { capture: { enabled: true, active: true, until: "2026-12-01T02:00:00.000Z", by: "admin token", events: ["purchase_completed"], keep_hours: 24, reaches_every_isolate_within_seconds: 15 } };

it("starts a capture for some events with the token from the environment, and says until when", async () => {
  stub.seen.length = 0;
  stub.answer = { status: 200, body: active };
  const r = await run(["--minutes", "15", "--events", "purchase_completed, lead_submitted"]);
  expect(r.code, r.stderr).toBe(0);
  expect(stub.seen).toEqual([{ method: "POST", url: "/k7q/admin/capture", auth: "Bearer tok_123", body: JSON.stringify({ minutes: 15, events: ["purchase_completed", "lead_submitted"] }) }]);
  expect(r.stdout).toContain("capturing purchase_completed until 2026-12-01T02:00:00.000Z");
});

it("stops and shows the state; a refusal prints the field and exits 1; a bad flag combination exits 2 before any request", async () => {
  stub.seen.length = 0;
  stub.answer = { status: 200, body: { capture: { enabled: true, active: false } } };
  expect((await run(["--stop"])).stdout).toContain("capture stopped.");
  expect((await run(["--status"])).code).toBe(0);
  expect(stub.seen.map((s) => [s.method, s.body])).toEqual([["POST", '{"stop":true}'], ["GET", ""]]);

  stub.answer = { status: 400, body: { error: "invalid_capture", details: [{ path: "minutes", message: "an integer from 1 to 60 (capture.max_minutes)" }] } };
  const refused = await run(["--minutes", "90"]);
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim()).toBe("capture: 400 invalid_capture minutes: an integer from 1 to 60 (capture.max_minutes)");

  stub.seen.length = 0;
  expect((await run(["--stop", "--minutes", "5"])).code).toBe(2);
  // A Worker elsewhere needs the token; none is sent anywhere without it.
  expect((await run(["--minutes", "5"], {}, "https://t.shop.example.com/k7q")).stderr).toContain("TAGWIRE_ADMIN_TOKEN");
  expect(stub.seen).toEqual([]);
  // A local `npm start` lets localhost in: no token needed, none sent.
  stub.answer = { status: 200, body: active };
  expect((await run(["--minutes", "5"], {})).code).toBe(0);
  expect(stub.seen.map((s) => s.auth)).toEqual([undefined]);
});
