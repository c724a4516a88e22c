#!/usr/bin/env node
/**
 * Replays dead letters through the admin endpoint:
 *   npm run replay -- --destination NAME --since DATE [--url https://t.shop.example.com/k7q] [--limit N] [--list]
 * The admin token comes from the TAGWIRE_ADMIN_TOKEN environment variable (never a flag: flags end up in
 * shell history). --list only shows what would be replayed. Replays keep each event's original event_id.
 */
import { cli, die } from "./cli.ts";

const USAGE = `
npm run replay -- --destination NAME --since DATE [--url URL] [--limit N] [--list]

Replays dead letters (deliveries that failed for good) to one destination, keeping each event's event_id.
  --destination NAME  the destination id in the config (required)
  --since DATE        only dead letters from this time on, ISO 8601 (required)
  --url URL           the Worker with its prefix (default: $TAGWIRE_URL or http://127.0.0.1:8787/k7q)
  --limit N           at most N dead letters
  --list              only list what would be replayed
The admin token comes from TAGWIRE_ADMIN_TOKEN in the environment (never a flag: flags land in shell history).`;

const { values } = cli("replay", USAGE, {
  destination: { type: "string" },
  since: { type: "string" },
  url: { type: "string", default: process.env.TAGWIRE_URL ?? "http://127.0.0.1:8787/k7q" },
  limit: { type: "string" },
  list: { type: "boolean", default: false },
});

const fail = (msg) => die("replay", msg);

const token = process.env.TAGWIRE_ADMIN_TOKEN;
if (!token) fail("set TAGWIRE_ADMIN_TOKEN to the Worker's admin token");
if (!values.destination) fail("--destination NAME is required");
if (!values.since) fail("--since DATE is required (ISO 8601, e.g. 2026-06-01 or 2026-06-01T12:00:00Z)");
if (Number.isNaN(Date.parse(values.since))) fail(`--since ${values.since} is not a date`);

const base = values.url.replace(/\/+$/, "");
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const query = { destination: values.destination, since: new Date(values.since).toISOString(), ...(values.limit ? { limit: Number(values.limit) } : {}) };

const res = await (values.list
  ? fetch(`${base}/admin/dead-letters?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, { headers })
  : fetch(`${base}/admin/replay`, { method: "POST", headers, body: JSON.stringify(query) })
).catch((e) => fail(`cannot reach ${base}: ${e.cause?.message ?? e.message}`));
const body = await res.json().catch(() => ({}));
if (!res.ok) fail(`${res.status} ${JSON.stringify(body)}`);
if (values.list) {
  for (const d of body.dead_letters) console.log(`${d.at}  ${d.destination}  ${d.event_id}  ${d.reason} ${d.status}  attempts=${d.attempts}  ${d.body.slice(0, 120)}`);
  console.log(`${body.dead_letters.length} dead letter(s)`);
} else {
  console.log(`replayed ${body.replayed} dead letter(s) to ${values.destination}`);
}
