/**
 * Matches Tagwire's public names against real filter lists with a real filter engine (@ghostery/adblocker):
 * the request URLs a page makes (SDK, events, pixel under every active prefix) as network requests, and the
 * SDK's global and cookie names against the rules that target names rather than URLs (scriptlets such as
 * `+js(set-constant, NAME, …)` and AdGuard's `$cookie=NAME`). Lists are passed in, so tests run offline.
 */
import { FiltersEngine, Request } from "@ghostery/adblocker";

export interface FilterList {
  name: string;
  text: string;
}

export interface NamesToLint {
  host: string;
  site: string;
  prefixes: string[];
  routes: { events: string; pixel: string; sdk: string };
  global: string;
  cookies: string[];
}

export interface FilterHit {
  what: string;
  list: string;
  rule: string;
}

type Probe = { what: string; url: string; type: "script" | "xhr" | "ping" | "image" };

function probes(n: NamesToLint): Probe[] {
  const out: Probe[] = [];
  const stem = n.routes.sdk.replace(/\.js$/, "");
  for (const p of n.prefixes) {
    const base = `https://${n.host}${p}`;
    out.push({ what: `${p}/${n.routes.sdk}`, url: `${base}/${n.routes.sdk}`, type: "script" });
    out.push({ what: `${p}/${stem}.<hash>.js`, url: `${base}/${stem}.0123456789ab.js`, type: "script" });
    out.push({ what: `${p}/${n.routes.events}`, url: `${base}/${n.routes.events}`, type: "xhr" });
    out.push({ what: `${p}/${n.routes.events} (sendBeacon)`, url: `${base}/${n.routes.events}`, type: "ping" });
    out.push({ what: `${p}/${n.routes.pixel}`, url: `${base}/${n.routes.pixel}?n=purchase_completed&id=1`, type: "image" });
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One engine per list, so a hit names the list it came from. */
export function compileLists(lists: readonly FilterList[]): { list: FilterList; engine: FiltersEngine }[] {
  return lists.map((list) => ({ list, engine: FiltersEngine.parse(list.text, { debug: true, loadCosmeticFilters: false }) }));
}

export function lintNames(compiled: ReturnType<typeof compileLists>, n: NamesToLint): FilterHit[] {
  const hits: FilterHit[] = [];
  const seen = new Set<string>();
  for (const { list, engine } of compiled) {
    for (const p of probes(n)) {
      const r = engine.match(Request.fromRawDetails({ url: p.url, sourceUrl: `https://${n.site}/`, type: p.type }));
      if (!r.match || !r.filter) continue;
      const rule = r.filter.rawLine ?? r.filter.toString();
      const key = `${p.what.replace(" (sendBeacon)", "")}\n${list.name}\n${rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ what: p.what.replace(" (sendBeacon)", ""), list: list.name, rule });
    }
    // Names (not URLs): scriptlet arguments and $cookie rules. Matched as whole words on those lines only.
    const named = [
      { what: `global window.${n.global}`, word: n.global, line: /\+js\(|#%#\/\/scriptlet\(|#\$#/ },
      ...n.cookies.map((c) => ({ what: `cookie ${c}`, word: c, line: /\$(.*,)?cookie=|cookie-remover|remove-cookie|set-cookie/ })),
    ];
    for (const { what, word, line } of named) {
      const re = new RegExp(`(^|[^A-Za-z0-9_$-])${escape(word)}([^A-Za-z0-9_$-]|$)`);
      for (const raw of list.text.split("\n")) {
        if (raw.startsWith("!") || !line.test(raw) || !re.test(raw)) continue;
        hits.push({ what, list: list.name, rule: raw.trim() });
        break;
      }
    }
  }
  return hits;
}
