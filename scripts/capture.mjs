#!/usr/bin/env node
/**
 * Starts, stops or shows a time-boxed capture of full payloads through the admin endpoint:
 *   npm run capture -- --minutes 15 [--events purchase_completed,lead_submitted] [--url URL]
 *   npm run capture -- --stop | --status
 * The admin token comes from the TAGWIRE_ADMIN_TOKEN environment variable (never a flag: flags end up in
 * shell history). What is captured shows on the inspector's event timelines (docs/ledger.md).
 */
import { adminToken, callAdmin, cli, die } from "./cli.ts";

const USAGE = `
npm run capture -- --minutes N [--events NAME,NAME] [--url URL]
npm run capture -- --stop | --status [--url URL]

Captures the full payloads of production events for N minutes (the request as received, the cookies Tagwire
reads, each request built for each destination with secrets redacted, the vendor's answer), shown on the
inspector's event timelines and deleted capture.keep_hours later (docs/ledger.md).
  --minutes N        how long, 1 to capture.max_minutes (default 60); it stops by itself
  --events A,B       only these event names (default: every event)
  --stop             end the running capture now
  --status           show the capture's state
  --url URL          the Worker with its prefix (default $TAGWIRE_URL, else http://127.0.0.1:8787/k7q)
The admin token comes from TAGWIRE_ADMIN_TOKEN in the environment (never a flag: flags land in shell history).`;

const { values } = cli("capture", USAGE, {
  minutes: { type: "string" },
  events: { type: "string" },
  stop: { type: "boolean", default: false },
  status: { type: "boolean", default: false },
  url: { type: "string", default: process.env.TAGWIRE_URL ?? "http://127.0.0.1:8787/k7q" },
});

const fail = (msg, code) => die("capture", msg, code);
const modes = [values.minutes !== undefined, values.stop, values.status].filter(Boolean).length;
if (modes !== 1) fail("give one of --minutes N, --stop or --status");

let body;
if (values.minutes !== undefined) {
  const minutes = Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 1) fail("--minutes takes a whole number of minutes, e.g. --minutes 15");
  body = { minutes };
  if (values.events !== undefined) {
    const events = values.events.split(",").map((s) => s.trim()).filter(Boolean);
    if (events.length === 0) fail("--events takes event names separated by commas");
    body.events = events;
  }
} else if (values.stop) body = { stop: true };

// A local `npm start` (debug = true) lets localhost in without a token; anywhere else the token is needed.
const local = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(values.url);
const token = local && !process.env.TAGWIRE_ADMIN_TOKEN ? undefined : adminToken("capture");
const base = values.url.replace(/\/+$/, "");
const { ok, status, answer } = await callAdmin("capture", base, "/admin/capture", { token, body, unreachable: 1 });
if (!ok) {
  const why = (answer.details ?? []).map((d) => `${d.path}: ${d.message}`).join("; ") || JSON.stringify(answer);
  fail(`${status} ${answer.error ?? ""} ${why}`.trim(), 1);
}
const c = answer.capture;
for (const w of answer.warnings ?? []) console.warn(`warning: ${w.path}: ${w.message}`);
if (c.active) {
  console.log(`capturing ${c.events ? c.events.join(", ") : "every event"} until ${c.until} (started by ${c.by}).`);
  console.log(`Every isolate follows within ${c.reaches_every_isolate_within_seconds} s. Captured entries are deleted ${c.keep_hours} h after capture.`);
  console.log(`Open ${base}/inspector and an event to read its full timeline.`);
} else if (values.stop) {
  console.log("capture stopped. What it kept stays readable in the inspector until it expires.");
} else {
  console.log(c.enabled ? "no capture running." : "no capture running (capture.enabled = false: the config forbids it).");
}
