/**
 * The development-only demo page (P/demo under `npm start`): loads the SDK through the head snippet, fires the
 * demo config's events, toggles ad consent, and shows what P/debug/events and P/debug/requests recorded.
 */
import { snippetFor } from "./snippet.ts";

export function demoPage(prefix: string, names: { sdk: string; events: string; global: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tagwire demo</title>
<script>${snippetFor(`${prefix}/${names.sdk}`, names.global)}</script>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;max-width:70rem}
button{margin:.2rem .4rem .2rem 0;padding:.4rem .8rem}
pre{background:#f4f4f4;padding:.6rem;max-height:24rem;overflow:auto;font-size:12px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
</style>
</head>
<body>
<h1>Tagwire demo</h1>
<p>Every destination of the dev config is in <code>dry_run</code>: nothing leaves this machine. Events go to
<code>${prefix}/${names.events}</code>; below are the last canonical events and the payloads each destination would have sent.</p>
<p>
<button id="page">Page view</button>
<button id="cart">Add to cart (product_added)</button>
<button id="purchase">Purchase (purchase_completed)</button>
<button id="lead">Lead (lead_submitted)</button>
<button id="identify">Identify</button>
<button id="spa">SPA navigation (pushState)</button>
<label><input type="checkbox" id="ads" checked> ad consent granted (ad_storage, ad_user_data, ad_personalization)</label>
</p>
<p>Last event_id: <code id="last">–</code> <button id="refresh">Refresh</button></p>
<div class="cols">
<div><h2>Accepted events (${prefix}/debug/events)</h2><pre id="events"></pre></div>
<div><h2>Destination payloads (${prefix}/debug/requests)</h2><pre id="requests"></pre></div>
</div>
<script>
const P = ${JSON.stringify(prefix)};
const TW = () => window[${JSON.stringify(names.global)}];
const $ = (id) => document.getElementById(id);
const show = (id) => { $("last").textContent = id || "–"; TW().flush && TW().flush(); setTimeout(refresh, 800); };
async function refresh() {
  for (const [kind, el] of [["events", "events"], ["requests", "requests"]]) {
    const data = await (await fetch(P + "/debug/" + kind + "?limit=10")).json();
    // Request bodies are JSON strings: show them parsed so the payload is readable.
    for (const r of data.requests || []) try { r.request.body = JSON.parse(r.request.body); } catch {}
    $(el).textContent = JSON.stringify(data, null, 2);
  }
}
const n = () => Math.random().toString(36).slice(2, 8);
$("page").onclick = () => show(TW().page());
$("cart").onclick = () => show(TW().track("product_added", { product_id: "sku_123", price: 29.9, quantity: 1 }));
$("purchase").onclick = () => show(TW().track("purchase_completed", { order_id: "ord_" + n(), value: 59.8, currency: "USD", items: [{ product_id: "sku_123", quantity: 2, price: 29.9 }] }));
$("lead").onclick = () => show(TW().track("lead_submitted", { lead_id: "lead_" + n(), score: 80 }));
$("identify").onclick = () => show(TW().identify("user_42", { email: "ada@example.com", first_name: "Ada" }));
$("spa").onclick = () => { history.pushState({}, "", "?view=" + n() + "&utm_source=demo"); setTimeout(refresh, 800); };
$("ads").onchange = (e) => { const v = e.target.checked ? "granted" : "denied"; TW().consent({ ad_storage: v, ad_user_data: v, ad_personalization: v }); };
$("refresh").onclick = refresh;
setTimeout(refresh, 800);
// Deliveries leave through the queue a moment after the event is accepted: keep the payload view current.
setInterval(() => document.visibilityState === "visible" && refresh(), 1500);
</script>
</body>
</html>
`;
}
