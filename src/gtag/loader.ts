/**
 * The first-party loader: which Google script a tag id loads (gtag.js for G-/AW-/DC- ids, gtm.js for GTM-),
 * and the rewrite that makes the script send its hits to the lint-clean path instead of /g/collect, a path on
 * every filter list. gtag.js builds each hit's URL as `transport_url + "/g/collect"`, so replacing that string
 * is what moves the hits.
 */

export function upstreamUrl(base: string, id: string): string {
  const host = base.replace(/\/+$/, "");
  return id.startsWith("GTM-") ? `${host}/gtm.js?id=${encodeURIComponent(id)}` : `${host}/gtag/js?id=${encodeURIComponent(id)}`;
}

/** Replaces the collect path, plain and as it appears in JSON-escaped strings. */
export function rewriteLoader(js: string, collectPath: string): string {
  return js.replaceAll("/g/collect", collectPath).replaceAll("\\/g\\/collect", collectPath.replaceAll("/", "\\/"));
}
