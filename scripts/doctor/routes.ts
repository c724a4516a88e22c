/** Whether wrangler.toml's `route`/`routes` (zone routes or custom domains) send a host's prefix to the Worker. */

export interface WranglerRoute {
  pattern: string;
  custom_domain?: boolean;
  zone_name?: string;
  zone_id?: string;
}

/** The routes of the top level or of [env.NAME] (wrangler does not inherit routes into environments). */
export function routesOf(toml: Record<string, unknown>, env?: string): WranglerRoute[] {
  const scope = (env ? (toml.env as Record<string, Record<string, unknown>> | undefined)?.[env] : toml) ?? {};
  const raw = [...(scope.route !== undefined ? [scope.route] : []), ...((scope.routes as unknown[] | undefined) ?? [])];
  return raw.map((r) => (typeof r === "string" ? { pattern: r } : (r as WranglerRoute)));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}

/** The route that serves https://host{path}, if any (a custom domain serves its whole host). */
export function routeServing(routes: readonly WranglerRoute[], host: string, path: string): WranglerRoute | undefined {
  return routes.find((r) => {
    const pattern = r.pattern.replace(/^https?:\/\//, "");
    const slash = pattern.indexOf("/");
    const hostPart = slash < 0 ? pattern : pattern.slice(0, slash);
    const pathPart = slash < 0 ? "/*" : pattern.slice(slash);
    if (!globToRegExp(hostPart).test(host)) return false;
    return r.custom_domain === true || globToRegExp(pathPart).test(path);
  });
}
