/**
 * The inspector's HTML: one static page, no framework, no data inside (it fetches P/inspector/events and
 * P/inspector/event with the operator's token or Access cookie). Every value from events is put in the DOM
 * as text, never as HTML: event names and properties are input. With debug = true it also has buttons that
 * send test events, so the development demo and this page are one. A strip at the top shows the alert state
 * (P/inspector/alerts, src/alerts).
 */
import type { Config } from "../config/schema.ts";
import { REASONS } from "../ledger/reasons.ts";

const CSS = `
#alerts{padding:6px 16px;border-bottom:1px solid #dde1e7;background:#fff}#alerts .fire{color:#b42318}#alerts ul{margin:4px 0;padding-left:18px}
*{box-sizing:border-box}body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:12px;align-items:center;padding:10px 16px;background:#1d2330;color:#fff}header h1{font-size:16px;margin:0}
header .sp{flex:1}header input{width:220px}
form{display:flex;flex-wrap:wrap;gap:8px;padding:10px 16px;background:#fff;border-bottom:1px solid #dde}
input,select,button{font:inherit;padding:4px 6px;border:1px solid #bbc;border-radius:4px;background:#fff}button{cursor:pointer}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:12px;padding:12px 16px}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #eef;vertical-align:top}
tbody tr{cursor:pointer}tbody tr:hover,tbody tr.sel{background:#eef3ff}
.chip{display:inline-block;margin:1px 3px 1px 0;padding:0 6px;border-radius:9px;font-size:12px;white-space:nowrap}
.delivered{background:#d8f3dc}.not_sent{background:#e9ecef}.dead{background:#ffd6d6}.pending{background:#fff1c2}
.copy{font-size:12px;color:#556}.bot{color:#a4161a;font-weight:600}
#detail{background:#fff;padding:10px 14px;border:1px solid #dde;border-radius:6px;min-height:200px}
#detail h2{font-size:15px;margin:0 0 8px}#detail h3{font-size:13px;margin:12px 0 4px;color:#445}
#detail pre{background:#f3f4f7;padding:6px;overflow:auto;max-height:260px;font-size:12px}
.muted{color:#778}.err{color:#a4161a;padding:8px 16px}#dev,#forced{padding:6px 16px;background:#fff8e1;border-bottom:1px solid #eed}
`;

const SCRIPT = `
const $=(s)=>document.querySelector(s);
function h(tag,attrs,...kids){const el=document.createElement(tag);for(const[k,v]of Object.entries(attrs||{})){if(v===undefined||v===null)continue;if(k==="class")el.className=v;else if(k.startsWith("on"))el.addEventListener(k.slice(2),v);else el.setAttribute(k,v)}for(const c of kids.flat()){if(c===null||c===undefined||c===false)continue;el.append(c instanceof Node?c:document.createTextNode(String(c)))}return el}
const token=()=>sessionStorage.getItem("tagwire-token")||"";
async function api(path){const headers=token()?{authorization:"Bearer "+token()}:{};const r=await fetch(P+path,{headers,credentials:"same-origin"});const body=await r.json().catch(()=>({}));if(!r.ok){const m=(body.details||[]).map((d)=>d.path+": "+d.message).join("; ")||r.status;throw new Error(m)}return body}
const cls=(reason)=>REASONS[reason]||"not_sent";
const time=(ms)=>new Date(ms).toISOString().replace("T"," ").slice(0,19);
function chip(o){return h("span",{class:"chip "+cls(o.reason),title:[o.detail,o.excerpt].filter(Boolean).join(" | ")},o.destination+": "+o.reason)}
function params(){const f=new FormData($("#filters"));const q=new URLSearchParams();for(const[k,v]of f)if(v)q.set(k,String(v));return q}
async function load(){$("#error").textContent="";try{const b=await api("/inspector/events?"+params());fillSelect(b.destinations);render(b.events)}catch(e){$("#error").textContent="Could not load events: "+e.message}}
function fillSelect(dests){const s=$("#destination");if(s.options.length>1)return;for(const d of dests)s.append(h("option",{value:d},d))}
function render(events){const tb=$("#rows");tb.replaceChildren();if(!events.length){tb.append(h("tr",{},h("td",{colspan:"5",class:"muted"},"No events match. Send one, or widen the filters.")));return}
for(const e of events){const info=JSON.parse(e.info);tb.append(h("tr",{"data-id":e.event_id,onclick:()=>open(e.event_id)},
h("td",{},time(e.at)),h("td",{},h("b",{},e.name),h("div",{class:"copy"},e.event_id)),h("td",{},e.source),
h("td",{},e.order_id||"",e.value!==null?h("div",{class:"copy"},e.value+" "+(e.currency||"")):null),
h("td",{},e.state==="held"?h("span",{class:"chip pending"},"held for merging"):e.state!=="admitted"?h("span",{class:"chip not_sent"},"copy "+e.state):null,info.bot?h("div",{class:"bot"},"bot: "+info.bot):null,e.outcomes.map(chip))))}}
function section(title,...kids){return[h("h3",{},title),...kids.filter((k)=>k!==null&&k!==undefined)]}
async function open(id){for(const tr of document.querySelectorAll("tbody tr"))tr.classList.toggle("sel",tr.dataset.id===id);const d=$("#detail");d.replaceChildren(h("p",{class:"muted"},"Loading…"));
try{const b=await api("/inspector/event?id="+encodeURIComponent(id));const main=b.copies.find((c)=>c.id===c.event_id)||b.copies[0];const i=main.info;
d.replaceChildren(h("h2",{},main.name+" · "+id),
...section("Received",h("div",{},time(main.at)+" from "+main.source+(i.path?" on "+i.path:"")+" (event time "+i.time+")")),
...section("Plan checks",i.violations.length?h("ul",{},i.violations.map((v)=>h("li",{},v.rule+" "+v.path+": "+v.message))):h("div",{class:"muted"},"no violations")),
...section("Enrichment",h("div",{},"geo: "+(i.geo||"unknown")+" · device: "+(i.device||"unknown")),h("div",{class:i.bot?"bot":""},i.bot?"bot: "+i.bot+" (destinations skip bots unless forward_bots = true; allow them in development only)":"bot: no")),
...section("Consent",h("div",{},"analytics "+(i.consent.analytics?"granted":"denied")+" · ads "+(i.consent.ads?"granted":"denied")+" · ad_user_data "+(i.consent.ad_user_data?"granted":"denied")+(i.consent.gpc?" · Sec-GPC: 1 (ads denied)":""))),
...section("Dedupe and merge",h("ul",{},b.copies.map((c)=>h("li",{},c.state+": "+c.info.dedupe+(c.id!==c.event_id?" ("+c.source+", "+time(c.at)+")":"")))),i.merged_from.length?h("div",{},"merged from: "+i.merged_from.map((m)=>m.event_id+" ("+m.source+(m.signed?", signed":"")+")").join(", ")):null),
...section("Destinations",h("table",{},h("thead",{},h("tr",{},["Destination","Outcome","Why","Vendor"].map((t)=>h("th",{},t)))),h("tbody",{},b.outcomes.map((o)=>h("tr",{},h("td",{},o.destination),h("td",{},h("span",{class:"chip "+cls(o.reason)},o.reason)),
h("td",{},o.detail||"",o.next_at?h("div",{class:"copy"},o.reason==="held"?"goes out at "+time(o.next_at):"attempt "+o.attempt+", next try "+time(o.next_at)):null),h("td",{},o.status?String(o.status):"",o.excerpt?h("div",{class:"copy"},o.excerpt):null)))))),
...(b.debug?section("Full payloads (debug = true)",h("pre",{},JSON.stringify(b.debug,null,2))):[h("p",{class:"muted"},"Full payloads are shown only with debug = true (development).")]))}
catch(e){d.replaceChildren(h("p",{class:"err"},"Could not load "+id+": "+e.message))}}
async function sendTest(name,props){await fetch(P+"/e",{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify({name,properties:props})});setTimeout(load,800)}
$("#filters").addEventListener("submit",(e)=>{e.preventDefault();load()});
$("#token").value=token();$("#token").addEventListener("change",(e)=>{sessionStorage.setItem("tagwire-token",e.target.value.trim());load();loadAlerts()});
for(const b of document.querySelectorAll("[data-send]"))b.addEventListener("click",()=>{const n=b.dataset.send;sendTest(n,n==="purchase_completed"?{order_id:"ord_"+Math.random().toString(36).slice(2,8),value:49.9,currency:"EUR"}:n==="lead_submitted"?{lead_id:"lead_"+Math.random().toString(36).slice(2,8)}:{})});
async function loadAlerts(){const el=$("#alerts");try{const b=await api("/inspector/alerts");const on=b.alerts.filter((a)=>a.firing);
const head=h("strong",{class:on.length?"fire":""},on.length?"Alerts: "+on.length+" firing":"Alerts: all clear");
const last=h("span",{class:"muted"}," · checked "+(b.last_run?new Date(b.last_run).toISOString().slice(0,16).replace("T"," ")+" UTC":"never (the Cron Trigger has not run yet)")+" · window "+b.window_minutes+" min"+(b.webhook?"":" · no webhook configured: shown here only")+(b.last_error?" · last error: "+b.last_error:""));
el.replaceChildren(head,last,on.length?h("ul",{},on.map((a)=>h("li",{class:"fire"},a.destination+" · "+a.condition+" since "+new Date(a.since).toISOString().slice(0,16).replace("T"," ")+": "+a.summary))):"")}catch(e){el.replaceChildren(h("span",{class:"muted"},"Alerts: "+e.message))}}
setInterval(()=>{if($("#auto").checked){load();loadAlerts()}},5000);
load();loadAlerts();
`;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function inspectorPage(cfg: Config, forcedDryRun = false): string {
  const outcomes = ["delivered", "not_sent", "dead", "pending", ...Object.keys(REASONS).filter((r) => r !== "delivered")];
  const dev = cfg.debug
    ? `<div id="dev">Development: send a test event <button type="button" data-send="page_viewed">page_viewed</button> <button type="button" data-send="purchase_completed">purchase_completed</button> <button type="button" data-send="lead_submitted">lead_submitted</button> <span class="muted">(debug = true: full payloads shown)</span></div>`
    : "";
  const forced = forcedDryRun ? `<div id="forced">TAGWIRE_FORCE_DRY_RUN: every destination runs in dry_run; nothing is sent.</div>` : "";
  // JSON inside <script>: "<" escaped so no value can close the element.
  const data = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Tagwire inspector</title><style>${CSS}</style></head><body>
<header><h1>Tagwire inspector</h1><span class="sp"></span><label>Admin token <input id="token" type="password" autocomplete="off" placeholder="not needed behind Access"></label></header>
${dev}${forced}
<div id="alerts" class="muted">Alerts…</div>
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
<script>const P=${data(cfg.prefix)};const REASONS=${data(REASONS)};${SCRIPT}</script></body></html>`;
}
