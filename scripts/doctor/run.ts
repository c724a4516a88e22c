/**
 * npm run doctor: checks one deployment the way a browser and an ad blocker will see it, each check with a
 * verdict and the fix. Everything from outside (DNS, filter lists, secret names, wrangler.toml) is passed in,
 * so tests run offline with fixtures; a check whose input is unavailable says "skip" and why.
 */
import { domainCovers, secretRefs } from "../../src/config/checks.ts";
import type { Config } from "../../src/config/schema.ts";
import { compareAddresses, SAFARI_MATCH_BITS } from "./safari.ts";
import { compileLists, lintNames, type FilterList } from "./filters.ts";
import { routeServing, type WranglerRoute } from "./routes.ts";

export type Status = "ok" | "warn" | "fail" | "skip";

export interface Verdict {
  check: string;
  status: Status;
  detail: string;
  fix?: string;
}

export interface Resolver {
  resolve4(host: string): Promise<string[]>;
  resolve6(host: string): Promise<string[]>;
  resolveCname(host: string): Promise<string[]>;
}

export interface DoctorInput {
  host: string;
  site: string;
  cfg: Config;
  routes: WranglerRoute[] | null;
  /** null: no network (DNS checks are skipped with a note). */
  resolver: Resolver | null;
  lists: FilterList[];
  secrets: { names: Set<string>; from: string } | { names: null; why: string };
}

const NOT_FOUND = new Set(["ENOTFOUND", "ENODATA", "ENOENT", "ESERVFAIL"]);

async function lookup(resolver: Resolver, host: string): Promise<{ v4: string[]; v6: string[]; cname: string[]; error?: string }> {
  const soft = async (f: () => Promise<string[]>) => {
    try {
      return await f();
    } catch (e) {
      if (NOT_FOUND.has((e as { code?: string }).code ?? "")) return [];
      throw e;
    }
  };
  try {
    const [v4, v6, cname] = await Promise.all([soft(() => resolver.resolve4(host)), soft(() => resolver.resolve6(host)), soft(() => resolver.resolveCname(host))]);
    return { v4, v6, cname };
  } catch (e) {
    return { v4: [], v6: [], cname: [], error: (e as Error).message };
  }
}

/** The registrable part of a host name, roughly (two labels; three under a two-letter second level such as co.uk). */
export function siteOf(host: string): string {
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  const n = labels.length >= 3 && labels.at(-1)!.length === 2 && labels.at(-2)!.length <= 3 ? 3 : 2;
  return labels.slice(-n).join(".");
}

export async function doctor(input: DoctorInput): Promise<Verdict[]> {
  const { host, site, cfg } = input;
  const out: Verdict[] = [];

  // ---- DNS and Safari's IP rule ----
  if (!input.resolver) {
    out.push({ check: "dns", status: "skip", detail: "no network: DNS and Safari's IP-address rule not checked", fix: "run the doctor where DNS resolves" });
  } else {
    const [h, s] = await Promise.all([lookup(input.resolver, host), lookup(input.resolver, site)]);
    const hAll = [...h.v4, ...h.v6];
    const sAll = [...s.v4, ...s.v6];
    if (h.error || s.error) {
      out.push({ check: "dns", status: "skip", detail: `DNS lookups failed (${h.error ?? s.error}): offline?`, fix: "run the doctor where DNS resolves" });
    } else {
      out.push(
        hAll.length
          ? { check: `dns ${host}`, status: "ok", detail: hAll.join(", ") }
          : { check: `dns ${host}`, status: "fail", detail: "no A or AAAA record", fix: `add ${host} as a Custom Domain of the Worker (routes = [{ pattern = "${host}", custom_domain = true }]) or a proxied DNS record in its zone` },
      );
      out.push(
        sAll.length
          ? { check: `dns ${site}`, status: "ok", detail: sAll.join(", ") }
          : { check: `dns ${site}`, status: "fail", detail: "no A or AAAA record", fix: "check the --site name" },
      );
      const cname = h.cname[0]?.replace(/\.$/, "");
      if (cname && siteOf(cname) !== siteOf(site)) {
        out.push({
          check: "safari cname",
          status: "fail",
          detail: `${host} is a CNAME to ${cname}, another site: Safari caps its cookies at 7 days (CNAME cloaking defense)`,
          fix: `serve ${host} from the Worker itself (Custom Domain) or use a route on ${site}`,
        });
      }
      if (hAll.length && sAll.length) {
        const { verdict, pairs } = compareAddresses(hAll, sAll);
        const bad = pairs.filter((p) => p[2]).map(([t, s2]) => `${t} vs ${s2}`);
        const rule = `Safari keeps cookies past 7 days only when the first ${SAFARI_MATCH_BITS[4]} bits (IPv4) or ${SAFARI_MATCH_BITS[6]} bits (IPv6) of the two addresses match`;
        const fix = `serve Tagwire on ${site} itself with a route (pattern = "${site}${cfg.prefix}/*"), or serve ${site} through the same proxy so both answer from one range`;
        if (verdict === "same-range") out.push({ check: "safari ip", status: "ok", detail: `${host} and ${site} share the address range: cookies keep their ${cfg.cookies.max_age_days} days` });
        else if (verdict === "capped") out.push({ check: "safari ip", status: "fail", detail: `${rule}; they do not (${bad.slice(0, 3).join("; ")}): visitor ids last 7 days in Safari`, fix });
        else if (verdict === "mixed") out.push({ check: "safari ip", status: "warn", detail: `${rule}; some address pairs do not (${bad.slice(0, 3).join("; ")}): some Safari visitors get 7-day cookies`, fix });
        else out.push({ check: "safari ip", status: "warn", detail: "the host and the site have no address family in common", fix });
      }
    }
  }

  // ---- wrangler.toml routes ----
  if (!input.routes) {
    out.push({ check: "routes", status: "skip", detail: "wrangler.toml not read" });
  } else {
    const prefixes = [cfg.prefix, ...cfg.previous_prefixes];
    for (const p of prefixes) {
      const path = `${p}/${cfg.routes.events}`;
      const r = routeServing(input.routes, host, path);
      out.push(
        r
          ? { check: `route ${host}${p}`, status: "ok", detail: `served by ${r.custom_domain ? "custom domain" : "route"} "${r.pattern}"` }
          : {
              check: `route ${host}${p}`,
              status: "fail",
              detail: input.routes.length ? `no route in wrangler.toml matches ${host}${path} (routes: ${input.routes.map((x) => x.pattern).join(", ")})` : "wrangler.toml has no route or custom domain",
              fix: host === site ? `routes = [{ pattern = "${host}${p}/*", zone_name = "${siteOf(host)}" }]` : `routes = [{ pattern = "${host}", custom_domain = true }]`,
            },
      );
    }
  }

  // ---- filter lists ----
  if (input.lists.length === 0) {
    out.push({ check: "filter lists", status: "skip", detail: "no filter list available", fix: "pass --list FILE (EasyPrivacy, AdGuard Tracking Protection)" });
  } else {
    const hits = lintNames(compileLists(input.lists), {
      host,
      site,
      prefixes: [cfg.prefix, ...cfg.previous_prefixes],
      routes: cfg.routes,
      global: cfg.sdk_global,
      cookies: [cfg.cookies.id_name, cfg.cookies.session_name, cfg.cookies.clicks_name],
    });
    const names = input.lists.map((l) => l.name).join(", ");
    if (hits.length === 0) out.push({ check: "filter lists", status: "ok", detail: `no rule of ${names} matches the prefix, route names, global or cookie names` });
    for (const hit of hits) {
      out.push({
        check: "filter lists",
        status: "fail",
        detail: `${hit.what} is matched by ${hit.list}: ${hit.rule}`,
        fix: hit.what.startsWith("global")
          ? 'set sdk_global to another name (e.g. "shopq")'
          : hit.what.startsWith("cookie")
            ? "rename the cookie (cookies.*_name) and keep the old name in cookies.renamed_from"
            : "npm run prefix -- --new (a new prefix; keep the old one in previous_prefixes), or rename the route (routes.*)",
      });
    }
  }

  // ---- secrets ----
  if (!input.secrets.names) {
    out.push({ check: "secrets", status: "skip", detail: input.secrets.why });
  } else {
    const have = input.secrets.names;
    const absent = secretRefs(cfg).filter((r) => !have.has(r.name));
    const missing = absent.filter((r) => r.required);
    // Optional ones lose a feature, not the events: a warning that says which.
    const optional = absent.filter((r) => !r.required);
    const fix = (list: typeof absent) => [...new Set(list.map((m) => `npx wrangler secret put ${m.name}`))].join("; ");
    out.push(
      missing.length
        ? { check: "secrets", status: "fail", detail: `missing in ${input.secrets.from}: ${missing.map((m) => `${m.name} (${m.path})`).join(", ")}`, fix: fix(missing) }
        : optional.length
          ? { check: "secrets", status: "warn", detail: `missing in ${input.secrets.from}: ${optional.map((m) => `${m.name} (${m.effect})`).join("; ")}`, fix: fix(optional) }
          : { check: "secrets", status: "ok", detail: `every secret the config names is in ${input.secrets.from}` },
    );
  }

  // ---- cookie domain ----
  const domain = cfg.cookies.domain;
  if (!domain) {
    out.push({ check: "cookie domain", status: host === site ? "ok" : "warn", detail: `cookies.domain is not set: the id cookie belongs to ${host} alone`, fix: host === site ? undefined : `cookies.domain = "${siteOf(site)}"` } as Verdict);
  } else if (!domainCovers(domain, host)) {
    out.push({ check: "cookie domain", status: "fail", detail: `"${domain}" does not cover ${host}: browsers reject the cookies it sets`, fix: `cookies.domain = "${siteOf(host)}"` });
  } else {
    const origins = cfg.allowed_origins.map((o) => new URL(o).hostname);
    const uncovered = [site, ...origins].filter((o) => !domainCovers(domain, o));
    out.push(
      uncovered.length
        ? { check: "cookie domain", status: "warn", detail: `"${domain}" does not cover ${[...new Set(uncovered)].join(", ")}`, fix: `cookies.domain = "${siteOf(site)}"` }
        : { check: "cookie domain", status: "ok", detail: `"${domain}" covers ${host}, ${site} and the allowed origins` },
    );
  }
  return out;
}
