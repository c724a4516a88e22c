/**
 * A GA4-like Managed Component for the WebCM side of `npm run bench`: what a Zaraz-style GA4 tool does per
 * event, server-side. It keeps a client id and a hit counter in cookies, builds a GA4 collect request (page,
 * event, ecommerce and item parameters) and sends it with one fire-and-forget fetch to settings.endpoint
 * (the bench's local double). Written for the benchmark; no vendor code.
 */
const ECOMMERCE = { "Order Completed": "purchase", "Product Added": "add_to_cart", "Checkout Started": "begin_checkout" };

function clientId(client) {
  let cid = client.get("ga4_cid");
  if (!cid) {
    cid = `${Math.floor(Math.random() * 2147483647)}.${Math.floor(Date.now() / 1000)}`;
    client.set("ga4_cid", cid, { scope: "infinite" });
  }
  return cid;
}

function hitCount(client) {
  const n = (parseInt(String(client.get("ga4_hits") ?? "0"), 10) || 0) + 1;
  client.set("ga4_hits", String(n), { scope: "session" });
  return n;
}

function collectParams(en, event, settings) {
  const { client, payload } = event;
  const p = new URLSearchParams({
    v: "2",
    tid: settings.tid,
    cid: clientId(client),
    _s: String(hitCount(client)),
    _p: String(Math.floor(Math.random() * 2147483647)),
    en,
    dl: client.url.href,
    dt: client.title ?? "",
    dr: client.referer ?? "",
    ul: (client.language ?? "").split(",")[0].toLowerCase(),
    sid: String(Math.floor(client.timestamp / 1000)),
  });
  const data = payload.ecommerce ?? payload;
  for (const [k, v] of Object.entries(data)) {
    if (k === "products" || v === null || typeof v === "object") continue;
    p.set(typeof v === "number" ? `epn.${k}` : `ep.${k}`, String(v));
  }
  if (data.order_id) p.set("ep.transaction_id", String(data.order_id));
  if (data.total !== undefined) p.set("epn.value", String(data.total));
  if (data.currency) p.set("cu", String(data.currency));
  (data.products ?? []).forEach((item, i) => {
    p.set(`pr${i + 1}`, `id${item.product_id ?? item.sku}~nm${item.name}~pr${item.price}~qt${item.quantity ?? 1}`);
  });
  return p;
}

function send(en, event, settings) {
  const url = `${settings.endpoint}?${collectParams(en, event, settings)}`;
  // Fire and forget, as a tag manager does: the visitor's response does not wait for the vendor.
  fetch(url, { method: "POST", headers: { "user-agent": event.client.userAgent } }).then(
    (r) => r.arrayBuffer(),
    () => undefined,
  );
}

exports.default = async function (manager, settings) {
  manager.addEventListener("event", (event) => send(event.payload.name ?? "event", event, settings));
  manager.addEventListener("ecommerce", (event) => send(ECOMMERCE[event.name] ?? event.name, event, settings));
};
