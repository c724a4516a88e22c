/**
 * The inspector's HTML and its Content-Security-Policy: one static page, no framework, no data inside (its
 * script, script.ts, fetches P/inspector/events and P/inspector/event with the operator's token or Access
 * cookie). With debug = true it also loads the SDK and has the development strip (devStrip.ts): the old demo
 * page and this one are one. A strip at the top shows the alert state (P/inspector/alerts, src/alerts).
 */
import type { Config } from "../config/schema.ts";
import { REASONS } from "../ledger/reasons.ts";
import { devStrip } from "./devStrip.ts";
import { INSPECTOR_SCRIPT } from "./script.ts";

/**
 * Inline scripts only; with debug = true also scripts from this origin, so the head snippet can load P/s.js
 * (the SDK then posts to P/e, same origin: connect-src 'self').
 */
export function inspectorCsp(cfg: Config): string {
  const scripts = cfg.debug ? "'self' 'unsafe-inline'" : "'unsafe-inline'";
  return `default-src 'self'; script-src ${scripts}; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'`;
}

const CSS = `
#alerts{padding:6px 16px;border-bottom:1px solid #dde1e7;background:#fff}#alerts .fire{color:#b42318}#alerts ul{margin:4px 0;padding-left:18px}
*{box-sizing:border-box}body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:12px;align-items:center;padding:10px 16px;background:#1d2330;color:#fff}header h1{font-size:16px;margin:0}
header .sp{flex:1}header input{width:220px}
form{display:flex;flex-wrap:wrap;gap:8px;padding:10px 16px;background:#fff;border-bottom:1px solid #dde}
input,select,button{font:inherit;padding:4px 6px;border:1px solid #bbc;border-radius:4px;background:#fff}button{cursor:pointer}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);align-items:start;gap:12px;padding:12px 16px}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #eef;vertical-align:top}
tbody tr{cursor:pointer}tbody tr:hover,tbody tr.sel{background:#eef3ff}
.chip{display:inline-block;margin:1px 3px 1px 0;padding:0 6px;border-radius:9px;font-size:12px;white-space:nowrap}
.delivered{background:#d8f3dc}.not_sent{background:#e9ecef}.dead{background:#ffd6d6}.pending{background:#fff1c2}
.copy{font-size:12px;color:#556}.bot{color:#a4161a;font-weight:600}
#detail{background:#fff;padding:10px 14px;border:1px solid #dde;border-radius:6px;min-height:200px}
#detail h2{font-size:15px;margin:0 0 8px}#detail h3{font-size:13px;margin:12px 0 4px;color:#445}
#detail pre{background:#f3f4f7;padding:6px;overflow:auto;max-height:260px;font-size:12px}
.muted{color:#778}.err{color:#a4161a;padding:8px 16px}#dev,#forced{padding:6px 16px;background:#fff8e1;border-bottom:1px solid #eed}
#dev button{margin:2px 2px 2px 0}#dev code{font-size:12px}
#capture{display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:6px 16px;background:#fff;border-bottom:1px solid #dde1e7}#capture.on{background:#fff4e5}#capture .state{font-weight:600}
#detail details{border:1px solid #e3e6ec;border-radius:4px;margin:4px 0;padding:3px 8px}#detail summary{cursor:pointer;overflow-wrap:anywhere}
#detail details details{border:0;padding:0 0 0 4px}#detail h4{font-size:12px;margin:8px 0 2px;color:#445}
#detail dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:1px 10px;margin:6px 0;font-size:12px}#detail dt{color:#667}#detail dd{margin:0;overflow-wrap:anywhere}
`;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function inspectorPage(cfg: Config, forcedDryRun = false): string {
  const outcomes = ["delivered", "not_sent", "dead", "pending", ...Object.keys(REASONS).filter((r) => r !== "delivered")];
  const dev = cfg.debug ? devStrip(cfg) : { head: "", html: "", script: "" };
  const forced = forcedDryRun ? `<div id="forced">TAGWIRE_FORCE_DRY_RUN: every destination runs in dry_run; nothing is sent.</div>` : "";
  // Production only: with debug = true everything is kept already.
  const capture = `<form id="capture"><span class="state">Capture: …</span>
<label>for <input name="minutes" type="number" min="1" max="${cfg.capture.max_minutes}" value="${Math.min(15, cfg.capture.max_minutes)}" style="width:5em"> min</label>
<input name="events" placeholder="event names, comma-separated (empty: every event)" size="36">
<button type="submit" id="capture-start">Start capture</button><button type="button" id="capture-stop">Stop</button>
<span class="muted">full payloads (raw emails in CRM requests) kept ${cfg.capture.keep_hours} h</span></form>`;
  // JSON inside <script>: "<" escaped so no value can close the element.
  const data = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Tagwire inspector</title><style>${CSS}</style>${dev.head}</head><body>
<header><h1>Tagwire inspector</h1><span class="sp"></span><label>Admin token <input id="token" type="password" autocomplete="off" placeholder="${cfg.admin.access ? "not needed behind Access" : cfg.debug ? "not needed on localhost" : "the admin token"}"></label></header>
${dev.html}${forced}
<div id="alerts" class="muted">Alerts…</div>
${cfg.debug ? "" : capture}
<form id="filters">
<input name="q" placeholder="event id, order id or anonymous id" size="32">
<input name="name" placeholder="event name">
<select name="destination" id="destination"><option value="">all destinations</option></select>
<select name="outcome"><option value="">any outcome</option>${outcomes.map((o) => `<option>${esc(o)}</option>`).join("")}</select>
<select name="source"><option value="">any source</option><option>browser</option><option>pixel</option><option>server</option></select>
<button>Filter</button><label><input type="checkbox" id="auto"> refresh every 5 s</label>
</form>
<div id="error" class="err"></div>
<main><table><thead><tr><th>Accepted (UTC)</th><th>Event</th><th>Source</th><th>Order · value</th><th>Outcome per destination</th></tr></thead><tbody id="rows"></tbody></table>
<section id="detail"><p class="muted">Open an event to see its timeline.</p></section></main>
<script>const P=${data(cfg.prefix)};const REASONS=${data(REASONS)};const DEBUG=${data(cfg.debug)};${INSPECTOR_SCRIPT}${dev.script}</script></body></html>`;
}
