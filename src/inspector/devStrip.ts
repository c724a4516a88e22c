/**
 * The inspector's development strip (debug = true only; it replaced the old P/demo page): buttons that send the
 * demo config's events through the real SDK, loaded by the head snippet as on a customer's site, so cookies,
 * consent, click ids and batching are exercised; after each send the page follows the event until the queue
 * consumer has written it, then opens its timeline. Production pages carry none of this.
 */
import type { Config } from "../config/schema.ts";
import { snippetFor } from "../sdk/snippet.ts";

export const DEV_HTML = `<div id="dev"><b>Development</b> (debug = true): send through the SDK
<button type="button" data-demo="page">Page view</button>
<button type="button" data-demo="cart">Add to cart (product_added)</button>
<button type="button" data-demo="purchase">Purchase (purchase_completed)</button>
<button type="button" data-demo="lead">Lead (lead_submitted, score 80)</button>
<button type="button" data-demo="identify">Identify (user_42)</button>
<button type="button" data-demo="spa">SPA navigation (utm_source)</button>
<label><input type="checkbox" id="ads" checked> ad consent (ad_storage, ad_user_data, ad_personalization)</label>
<div>Last event_id sent: <code id="last">–</code> <span id="follow" class="muted"></span></div></div>`;

// Runs after the inspector's script (uses h, api, load, open, unsettled, shown, openId from it).
const DEV_SCRIPT = String.raw`
const TW = () => window[GLOBAL];
const rid = () => Math.random().toString(36).slice(2, 8);
/** Each button: a call to the SDK that returns the event_id it will send (or a promise of it). */
const SENDS = {
  page: () => TW().page(),
  cart: () => TW().track("product_added", { product_id: "sku_123", price: 29.9, quantity: 1 }),
  purchase: () => TW().track("purchase_completed", { order_id: "ord_" + rid(), value: 59.8, currency: "USD", items: [{ product_id: "sku_123", quantity: 2, price: 29.9 }] }),
  lead: () => TW().track("lead_submitted", { lead_id: "lead_" + rid(), score: 80 }),
  identify: () => TW().identify("user_42", { email: "ada@example.com", first_name: "Ada" }),
  spa: spaNavigation,
};
/** A pushState navigation: the SDK sends its page view itself, so find that event by its URL. */
async function spaNavigation() {
  history.pushState({}, "", "?view=" + rid() + "&utm_source=demo");
  const href = location.href;
  TW().flush && TW().flush();
  for (let i = 0; i < 40; i++) {
    await sleep(300);
    const r = await fetch(P + "/debug/events?limit=50").then((x) => x.json()).catch(() => ({ events: [] }));
    const e = (r.events || []).find((x) => x.name === "page_viewed" && x.page && x.page.url === href);
    if (e) return e.event_id;
  }
  return undefined;
}
const following = { n: 0 };
function note(text) { $("#follow").textContent = text; }
/**
 * Waits until the ledger has the event (the queue consumer runs a moment after the 202), then opens it, unless
 * the user opened another event meanwhile.
 */
async function follow(id) {
  const mine = ++following.n;
  const was = openId;
  note("waiting for the queue consumer…");
  for (let i = 0; i < 50 && mine === following.n; i++) {
    await sleep(i < 10 ? 300 : 600);
    const found = await api("/inspector/events?limit=1&q=" + encodeURIComponent(id)).then((b) => b.events.length > 0, () => false);
    if (!found) continue;
    await load();
    if (openId !== was || mine !== following.n) break;
    await open(id);
    return settle(id, mine);
  }
  if (mine === following.n) note(openId === was ? "not in the ledger yet: press Filter in a moment" : "");
}
/** Redraws the open event while a destination is still pending (a held purchase, a retry). */
async function settle(id, mine) {
  for (let i = 0; i < 20 && mine === following.n && openId === id && shown && unsettled(shown); i++) {
    note("following: a destination is still pending…");
    await sleep(1000);
    // The user may have opened another event while this one waited: leave theirs alone.
    if (openId !== id || mine !== following.n) break;
    await open(id);
    load();
  }
  if (mine === following.n) note("");
}
async function sendDemo(kind) {
  const id = await SENDS[kind]();
  TW().flush && TW().flush();
  $("#last").textContent = id || "–";
  if (id) follow(id);
  else note(kind === "spa" ? "the page view did not arrive" : "queued: the SDK has not loaded yet");
}
function syncConsent() {
  const v = $("#ads").checked ? "granted" : "denied";
  TW().consent({ ad_storage: v, ad_user_data: v, ad_personalization: v });
}
// The SDK remembers consent (localStorage "tw_consent"): show what it will send after a reload.
try { $("#ads").checked = (JSON.parse(localStorage.getItem("tw_consent") || "null") || {}).ad_storage !== "denied"; } catch {}
$("#ads").addEventListener("change", syncConsent);
for (const b of document.querySelectorAll("[data-demo]")) b.addEventListener("click", () => sendDemo(b.dataset.demo));
`;

/** What the page adds with debug = true: the SDK head snippet, the strip and its script. */
export function devStrip(cfg: Config): { head: string; html: string; script: string } {
  // JSON inside <script>: "<" escaped so no value can close the element.
  const global = JSON.stringify(cfg.sdk_global).replace(/</g, "\\u003c");
  return {
    head: `<script>${snippetFor(`${cfg.prefix}/${cfg.routes.sdk}`, cfg.sdk_global)}</script>`,
    html: DEV_HTML,
    script: `const GLOBAL=${global};${DEV_SCRIPT}`,
  };
}
