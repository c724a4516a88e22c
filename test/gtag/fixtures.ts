/**
 * gtag.js hits as Google's /g/collect protocol defines them (GA4 gtag parameter reference: v=2, tid, cid, sid,
 * sct, seg, _p, _s, _et, en, ep.*, epn.*, up.*, dl/dr/dt, cu, uid, pr<n> items as `~`-separated two-letter
 * fields, and Consent Mode's gcs = G1<ad_storage><analytics_storage> and gcd letters).
 */
export const TID = "G-TEST1234";
export const CID = "1234567890.1717243100";
export const SID = "1717243100";

let seq = 0;
/** A GA client id of its own for each page (each test is its own visitor unless it names CID). */
export function freshCid(): string {
  return `${Math.floor(Math.random() * 1e9)}${seq++}.1717243100`;
}

/** The parameters gtag.js puts on every hit of a page (POST: the query string). */
export function shared(extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    v: "2",
    tid: TID,
    gtm: "45je4a20v9",
    _p: "1717243200000",
    gcs: "G111",
    gcd: "13t3t3t3t5",
    npa: "0",
    dma: "0",
    cid: freshCid(),
    ul: "en-us",
    sr: "1920x1080",
    uaa: "arm",
    uab: "64",
    uamb: "0",
    uap: "macOS",
    are: "1",
    frm: "0",
    pscdl: "noapi",
    sid: SID,
    sct: "3",
    seg: "1",
    dl: "https://shop.example.com/shoes?gclid=Cj0KCQ_gtag_test",
    dr: "https://www.google.com/",
    dt: "Running shoes",
    ...extra,
  });
}

/** A single page_view sent as GET, the way gtag.js sends the first hit of a page. */
export function pageViewQuery(extra: Record<string, string> = {}): string {
  const q = shared({ _s: "1", en: "page_view", _fv: "1", _ss: "1", _nsi: "1", "ep.page_type": "category", ...extra });
  return q.toString();
}

/** A purchase and a user_engagement batched in one POST body, one hit per line. */
export const PURCHASE_LINE = new URLSearchParams({
  en: "purchase",
  "ep.transaction_id": "T_1001",
  "epn.value": "59.98",
  "epn.tax": "4.9",
  "epn.shipping": "5",
  "ep.coupon": "SUMMER",
  pr1: "idSKU_1~nmRunning Shoe~brAcme~caShoes~vaRed~pr29.99~qt2~k0size~v044",
  pr2: "idSKU_2~nmSocks~pr0~qt1",
  _et: "1200",
}).toString();
export const ENGAGEMENT_LINE = new URLSearchParams({ en: "user_engagement", _et: "5400" }).toString();

export function checkoutShared(extra: Record<string, string> = {}): URLSearchParams {
  return shared({
    _s: "3",
    uid: "user_42",
    cu: "USD",
    dl: "https://shop.example.com/checkout/complete",
    dt: "Thank you",
    dr: "https://shop.example.com/checkout",
    ...extra,
  });
}
