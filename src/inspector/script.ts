/**
 * The inspector page's own script (plain browser JavaScript, inlined by page.ts after `const P`, `REASONS` and
 * `DEBUG`). Small named functions, one job each: the list, an event's timeline (one builder per section), the
 * recorded payloads, the alert strip. Every value from an event goes into the DOM as text through h(), never
 * as HTML: event names, properties and vendor answers are input.
 */
export const INSPECTOR_SCRIPT = String.raw`
const $ = (s) => document.querySelector(s);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Builds an element; children are nodes or text (never parsed as HTML). */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of kids.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const token = () => sessionStorage.getItem("tagwire-token") || "";
async function api(path, send) {
  const headers = token() ? { authorization: "Bearer " + token() } : {};
  if (send !== undefined) headers["content-type"] = "application/json";
  const init = send === undefined ? { headers } : { method: "POST", headers, body: JSON.stringify(send) };
  const r = await fetch(P + path, { ...init, credentials: "same-origin" });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((body.details || []).map((d) => d.path + ": " + d.message).join("; ") || String(r.status));
  return body;
}
const cls = (reason) => REASONS[reason] || "not_sent";
const time = (ms) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
const granted = (b) => (b ? "granted" : "denied");
function chip(o) {
  return h("span", { class: "chip " + cls(o.reason), title: [o.detail, o.excerpt].filter(Boolean).join(" | ") }, o.destination + ": " + o.reason);
}

// ---- the list ----
function params() {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData($("#filters"))) if (v) q.set(k, String(v));
  return q;
}
async function load() {
  $("#error").textContent = "";
  try {
    const b = await api("/inspector/events?" + params());
    fillSelect(b.destinations);
    render(b.events);
  } catch (e) {
    $("#error").textContent = "Could not load events: " + e.message;
  }
}
function fillSelect(dests) {
  const s = $("#destination");
  if (s.options.length > 1) return;
  for (const d of dests) s.append(h("option", { value: d }, d));
}
function copyState(e) {
  if (e.state === "held") return h("span", { class: "chip pending" }, "held for merging");
  return e.state !== "admitted" ? h("span", { class: "chip not_sent" }, "copy " + e.state) : null;
}
function row(e) {
  const info = e.info;
  return h("tr", { "data-id": e.event_id, class: e.event_id === openId ? "sel" : null, onclick: () => open(e.event_id) },
    h("td", {}, time(e.at)),
    h("td", {}, h("b", {}, e.name), h("div", { class: "copy" }, e.event_id)),
    h("td", {}, e.source),
    h("td", {}, e.order_id || "", e.value !== null ? h("div", { class: "copy" }, e.value + " " + (e.currency || "") + (e.estimated ? " (estimated)" : "")) : null),
    h("td", {}, copyState(e), info.bot ? h("div", { class: "bot" }, "bot: " + info.bot) : null, e.outcomes.map(chip)));
}
function render(events) {
  const tb = $("#rows");
  tb.replaceChildren(...events.map(row));
  if (!events.length) tb.append(h("tr", {}, h("td", { colspan: "5", class: "muted" }, "No events match. Send one, or widen the filters.")));
}

// ---- one event's timeline ----
let openId = null;
let shown = null; // the last /inspector/event answer rendered
function section(title, ...kids) {
  return [h("h3", {}, title), ...kids.flat(2).filter((k) => k !== null && k !== undefined)];
}
function receivedSection(main) {
  const i = main.info;
  return section("Received", h("div", {}, time(main.at) + " from " + main.source + (i.path ? " on " + i.path : "") + " (event time " + i.time + ")"));
}
function planSection(i) {
  return section("Plan checks", i.violations.length
    ? h("ul", {}, i.violations.map((v) => h("li", {}, v.rule + " " + v.path + ": " + v.message)))
    : h("div", { class: "muted" }, "no violations"));
}
function enrichmentSection(i) {
  const bot = i.bot ? "bot: " + i.bot + " (destinations skip bots unless forward_bots = true; allow them in development only)" : "bot: no";
  return section("Enrichment", h("div", {}, "geo: " + (i.geo || "unknown") + " · device: " + (i.device || "unknown")), h("div", { class: i.bot ? "bot" : "" }, bot));
}
function consentSection(i) {
  const c = i.consent;
  return section("Consent", h("div", {}, "analytics " + granted(c.analytics) + " · ads " + granted(c.ads) + " · ad_user_data " + granted(c.ad_user_data) + (c.gpc ? " · Sec-GPC: 1 (ads denied)" : "")));
}
function dedupeSection(b, i) {
  // A copy that went on as another event links to it: that event's timeline holds the destinations.
  const link = (c) => c.by && c.by !== b.event_id ? [" ", h("button", { type: "button", class: "goto", onclick: () => open(c.by) }, "open " + c.by)] : null;
  const copy = (c) => h("li", {}, c.state + ": " + c.info.dedupe + (c.id !== c.event_id ? " (" + c.source + ", " + time(c.at) + ")" : ""), link(c));
  const merged = i.merged_from.length ? h("div", {}, "merged from: " + i.merged_from.map((m) => m.event_id + " (" + m.source + (m.signed ? ", signed" : "") + ")").join(", ")) : null;
  return section("Dedupe and merge", h("ul", {}, b.copies.map(copy)), merged);
}
function outcomeRow(o) {
  const next = o.next_at ? h("div", { class: "copy" }, o.reason === "held" ? "goes out at " + time(o.next_at) : "attempt " + o.attempt + ", next try " + time(o.next_at)) : null;
  return h("tr", {}, h("td", {}, o.destination), h("td", {}, h("span", { class: "chip " + cls(o.reason) }, o.reason)),
    h("td", {}, o.detail || "", next), h("td", {}, o.status ? String(o.status) : "", o.excerpt ? h("div", { class: "copy" }, o.excerpt) : null));
}
function destinationsSection(outcomes) {
  if (!outcomes.length) return section("Destinations", h("p", { class: "muted" }, "None: this copy went no further (see Dedupe and merge for the event it went on as)."));
  const head = h("thead", {}, h("tr", {}, ["Destination", "Outcome", "Why", "Vendor"].map((t) => h("th", {}, t))));
  return section("Destinations", h("table", { id: "outcomes" }, head, h("tbody", {}, outcomes.map(outcomeRow))));
}

// ---- recorded payloads (debug = true, or a dry_run destination's) ----
/** JSON text pretty-printed; anything else as it is. */
function pretty(text) {
  if (typeof text !== "string") return JSON.stringify(text, null, 2);
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}
/** A collapsible block; its key keeps it open when the timeline is redrawn. */
function fold(key, summary, ...kids) {
  return h("details", { "data-key": key }, h("summary", {}, summary), ...kids);
}
const field = (name, value) => [h("dt", {}, name), h("dd", {}, value)];
const host = (url) => { try { return new URL(url).host; } catch { return url; } };
const MODES = { dry_run: "dry_run (not sent)", live: "sent", test: "sent (vendor test mode)" };
function requestBlock(r, n) {
  const q = r.request;
  const res = r.response;
  const answer = res ? " → " + res.status : r.mode === "dry_run" ? "" : " → no answer recorded";
  const headers = Object.entries(q.headers || {}).map(([k, v]) => k + ": " + v).join("\n");
  return fold("req:" + r.destination + ":" + n, [h("b", {}, r.destination), " · " + (MODES[r.mode] || r.mode) + " · " + q.method + " " + host(q.url) + answer],
    h("dl", {}, field("Destination", r.destination + " (" + r.type + ")"), field("Mode", MODES[r.mode] || r.mode), field("Method", q.method), field("URL", q.url), field("Recorded", r.at)),
    headers ? fold("hdr:" + r.destination + ":" + n, "Headers (secrets redacted)", h("pre", {}, headers)) : null,
    h("h4", {}, "Body"), h("pre", { class: "body" }, q.body === undefined || q.body === null ? "(none)" : pretty(q.body)),
    res ? [h("h4", {}, "Vendor's answer: " + res.status), h("pre", { class: "answer" }, pretty(res.body).slice(0, 4000))] : null);
}
/** The request as it arrived (development, or a capture): URL, the headers and cookies read, the raw body. */
function receivedBlock(r, n) {
  const lines = (o) => Object.entries(o || {}).map(([k, v]) => k + ": " + v).join("\n");
  return fold("recv:" + n, "Request as received: " + r.method + " " + r.url,
    h("dl", {}, field("Received", r.at), field("URL", r.url)),
    h("h4", {}, "Headers"), h("pre", {}, lines(r.headers) || "(none)"),
    h("h4", {}, "Cookies (values only for the ones Tagwire reads)"), h("pre", {}, lines(r.cookies) || "(none)"),
    h("h4", {}, "Body"), h("pre", { class: "body" }, r.body === null ? "(none: " + r.method + ")" : pretty(r.body)));
}
function canonicalBlock(e, n) {
  return fold("event:" + n, "Canonical event as received (" + e.source + ")", h("pre", {}, JSON.stringify(e, null, 2)));
}
function payloadSection(dbg) {
  if (!dbg) return DEBUG ? section("Payloads", h("p", { class: "muted" }, "Nothing recorded for this event yet.")) : [h("p", { class: "muted" }, "Full payloads are kept only with debug = true (development), for destinations in dry_run, and while a capture runs (above).")];
  const kept = [...(dbg.received || []), ...dbg.events, ...dbg.requests].map((e) => e.kept_until).filter(Boolean).sort()[0];
  const title = dbg.why === "debug" || DEBUG ? "Payloads (debug = true): received and sent, per destination"
    : dbg.why === "capture" ? "Full payloads (capture): received and sent, per destination" + (kept ? " · deleted " + kept.slice(0, 16).replace("T", " ") + " UTC" : "")
    : "What dry_run destinations would have been sent";
  const none = dbg.requests.length ? null : h("p", { class: "muted" }, "No request recorded for this event.");
  return section(title, (dbg.received || []).map(receivedBlock), dbg.events.map(canonicalBlock), dbg.requests.map(requestBlock), none);
}

function openKeys(d) {
  return new Set([...d.querySelectorAll("details[open]")].map((x) => x.dataset.key));
}
async function open(id) {
  const again = id === openId;
  openId = id;
  for (const tr of document.querySelectorAll("tbody#rows tr")) tr.classList.toggle("sel", tr.dataset.id === id);
  const d = $("#detail");
  const keep = again ? openKeys(d) : new Set();
  if (!again) d.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  try {
    const b = await api("/inspector/event?id=" + encodeURIComponent(id));
    if (openId !== id) return;
    shown = b;
    renderDetail(b);
    for (const x of d.querySelectorAll("details")) if (keep.has(x.dataset.key)) x.open = true;
  } catch (e) {
    d.replaceChildren(h("p", { class: "err" }, "Could not load " + id + ": " + e.message));
  }
}
function renderDetail(b) {
  const main = b.copies.find((c) => c.id === c.event_id) || b.copies[0];
  const i = main.info;
  $("#detail").replaceChildren(h("h2", {}, main.name + " · " + b.event_id),
    ...receivedSection(main), ...planSection(i), ...enrichmentSection(i), ...consentSection(i), ...dedupeSection(b, i),
    ...destinationsSection(b.outcomes), ...payloadSection(b.debug));
}
/**
 * Whether the open event will still change: a destination pending, or (debug) its canonical event or a payload
 * not in the debug log yet (the consumer writes that log just after the ledger).
 */
function unsettled(b) {
  if (b.outcomes.some((o) => cls(o.reason) === "pending")) return true;
  if (!DEBUG) return false;
  if (b.copies.some((c) => c.state === "admitted") && !(b.debug && b.debug.events.length)) return true;
  const recorded = new Set(((b.debug && b.debug.requests) || []).map((r) => r.destination));
  return b.outcomes.some((o) => (o.reason === "dry_run" || o.reason === "delivered") && !recorded.has(o.destination));
}

// ---- the alert strip ----
const minute = (ms) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
async function loadAlerts() {
  const el = $("#alerts");
  try {
    const b = await api("/inspector/alerts");
    const on = b.alerts.filter((a) => a.firing);
    const head = h("strong", { class: on.length ? "fire" : "" }, on.length ? "Alerts: " + on.length + " firing" : "Alerts: all clear");
    const last = h("span", { class: "muted" }, " · checked " + (b.last_run ? minute(b.last_run) + " UTC" : "never (the Cron Trigger has not run yet)") + " · window " + b.window_minutes + " min" + (b.webhook ? "" : " · no webhook configured: shown here only") + (b.last_error ? " · last error: " + b.last_error : ""));
    // A quiet destination is "all clear" only because its rates were not judged: say so beside it.
    const unjudged = b.alerts.filter((a) => !a.firing && /^not judged/.test(a.summary || ""));
    el.replaceChildren(head, last,
      on.length ? h("ul", {}, on.map((a) => h("li", { class: "fire" }, a.destination + " · " + a.condition + " since " + minute(a.since) + ": " + a.summary))) : "",
      unjudged.length ? h("div", { class: "muted" }, "not judged yet: " + unjudged.map((a) => a.destination + " " + a.condition + " (" + a.summary.split(";")[0] + ")").join(" · ")) : "");
  } catch (e) {
    el.replaceChildren(h("span", { class: "muted" }, "Alerts: " + e.message));
  }
}

// ---- capture (production: full payloads for a few minutes) ----
async function loadCapture() {
  const f = $("#capture");
  if (!f) return;
  const state = f.querySelector(".state");
  try {
    const c = (await api("/admin/capture")).capture;
    f.classList.toggle("on", c.active);
    state.textContent = !c.enabled ? "Capture: off (capture.enabled = false)"
      : c.active ? "Capture: on until " + c.until.slice(0, 16).replace("T", " ") + " UTC (" + (c.events ? c.events.join(", ") : "every event") + ", by " + c.by + ")"
      : "Capture: off";
    $("#capture-start").disabled = !c.enabled;
    $("#capture-stop").disabled = !c.active;
  } catch (e) {
    state.textContent = "Capture: " + e.message;
  }
}
async function setCapture(body) {
  try {
    await api("/admin/capture", body);
  } catch (e) {
    $("#error").textContent = "Capture: " + e.message;
  }
  loadCapture();
}
if ($("#capture")) {
  $("#capture").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const events = String(f.get("events") || "").split(",").map((s) => s.trim()).filter(Boolean);
    setCapture({ minutes: Number(f.get("minutes")), ...(events.length ? { events } : {}) });
  });
  $("#capture-stop").addEventListener("click", () => setCapture({ stop: true }));
}

// ---- wiring ----
$("#filters").addEventListener("submit", (e) => { e.preventDefault(); load(); });
$("#token").value = token();
$("#token").addEventListener("change", (e) => { sessionStorage.setItem("tagwire-token", e.target.value.trim()); load(); loadAlerts(); loadCapture(); });
setInterval(() => { if ($("#auto").checked) { load(); loadAlerts(); loadCapture(); } }, 5000);
load();
loadAlerts();
loadCapture();
`;
