#!/usr/bin/env node
/**
 * Erases one person through the admin endpoint:
 *   npm run erase -- --user-id ID | --email ADDRESS [--phone +14155550100] [--anonymous-id ID] [--url https://t.shop.example.com/k7q]
 * The admin token comes from the TAGWIRE_ADMIN_TOKEN environment variable (never a flag: flags end up in
 * shell history). Prints what was removed and what cannot be (docs/identity.md).
 */
import { adminToken, callAdmin, cli, die } from "./cli.ts";

const USAGE = `
npm run erase -- --user-id ID | --email ADDRESS [--phone +14155550100] [--anonymous-id ID] [--url URL]

Erases one person from every store Tagwire keeps (identity graph, held dedupe copies, dead letters, debug log, ledger,
archive)
through POST P/admin/erase, and prints what was removed and what cannot be (docs/identity.md).
  --url URL   the Worker's prefix URL (default $TAGWIRE_URL, else http://127.0.0.1:8787/k7q)
The admin token comes from the TAGWIRE_ADMIN_TOKEN environment variable, never a flag.`;

const { values } = cli("erase", USAGE, {
  "user-id": { type: "string" },
  email: { type: "string" },
  phone: { type: "string" },
  "anonymous-id": { type: "string" },
  url: { type: "string", default: process.env.TAGWIRE_URL ?? "http://127.0.0.1:8787/k7q" },
});

const fail = (msg) => die("erase", msg);

const token = adminToken("erase");
const body = {
  ...(values["user-id"] ? { user_id: values["user-id"] } : {}),
  ...(values.email ? { email: values.email } : {}),
  ...(values.phone ? { phone: values.phone } : {}),
  ...(values["anonymous-id"] ? { anonymous_id: values["anonymous-id"] } : {}),
};
if (Object.keys(body).length === 0) fail("give --user-id or --email (or --phone, --anonymous-id)");

const base = values.url.replace(/\/+$/, "");
const { ok, status, answer } = await callAdmin("erase", base, "/admin/erase", { token, body });
if (!ok) fail(`${status} ${JSON.stringify(answer)}`);
const e = answer.erased;
console.log(`erased: ${e.identity_graph} graph node(s), ${e.dedupe_holds} held event(s), ${e.dead_letters} dead letter(s), ${e.debug_log} debug log entr(ies), ${e.ledger_events ?? 0} ledger event(s), ${e.archive_events ?? 0} archived event(s)`);
console.log("not erasable here:");
for (const line of answer.not_erased) console.log(`  - ${line}`);
