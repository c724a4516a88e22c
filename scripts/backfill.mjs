#!/usr/bin/env node
/**
 * Sends one destination the archived events it missed, through the admin endpoint:
 *   npm run backfill -- --destination NAME --since DATE [--until DATE] [--url https://t.shop.example.com/k7q]
 * Calls POST P/admin/backfill until the range is done (each call reads up to 200 archive objects). The admin
 * token comes from the TAGWIRE_ADMIN_TOKEN environment variable, never a flag (docs/archive.md).
 */
import { adminToken, callAdmin, cli, die } from "./cli.ts";

const USAGE = `
npm run backfill -- --destination NAME --since DATE [--until DATE] [--url URL]

Queues the archived events accepted between --since and --until (YYYY-MM-DD or an ISO instant; a bare --until
date includes that day; default now) for one destination, skipping those outside its freshness window. They go
through the normal delivery path: paced, retried, recorded in the ledger (docs/archive.md).
  --url URL   the Worker's prefix URL (default $TAGWIRE_URL, else http://127.0.0.1:8787/k7q)
The admin token comes from the TAGWIRE_ADMIN_TOKEN environment variable, never a flag.`;

const { values } = cli("backfill", USAGE, {
  destination: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  url: { type: "string", default: process.env.TAGWIRE_URL ?? "http://127.0.0.1:8787/k7q" },
});

const fail = (msg) => die("backfill", msg);

const token = adminToken("backfill");
if (!values.destination) fail("give --destination NAME (a destination id from your config)");
if (!values.since) fail("give --since DATE (YYYY-MM-DD or an ISO instant)");

const base = values.url.replace(/\/+$/, "");
const total = { objects: 0, events: 0, enqueued: 0, outside_window: 0, unreadable: 0 };
let after;
do {
  const body = { destination: values.destination, since: values.since, ...(values.until ? { until: values.until } : {}), ...(after ? { after } : {}) };
  const { ok, status, answer } = await callAdmin("backfill", base, "/admin/backfill", { token, body });
  if (!ok) fail(`${status} ${JSON.stringify(answer)}`);
  for (const k of Object.keys(total)) total[k] += answer[k] ?? 0;
  after = answer.next ?? undefined;
  if (after) console.log(`… ${total.enqueued} queued so far (up to ${after})`);
} while (after);
console.log(
  `${values.destination}: ${total.enqueued} event(s) queued from ${total.objects} archive object(s); ` +
    `${total.outside_window} outside its freshness window, ${total.unreadable} unreadable (key not set), ${total.events} read`,
);
