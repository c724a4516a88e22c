/**
 * The config the deployed Worker runs, read with wrangler (logged in): the versions `wrangler deployments
 * status` names (two during a gradual rollout) and the TAGWIRE_CONFIG binding of the largest one. A config
 * bundled into the script is not visible this way; then the caller falls back to git and says so.
 */
import { run } from "../secrets.ts";

export type Deployed = { raw: unknown; from: string } | { raw: null; why: string };

interface Binding {
  name: string;
  type: string;
  json?: unknown;
  text?: string;
}

export async function deployedConfig(env?: string, exec: typeof run = run): Promise<Deployed> {
  const envArgs = env ? ["--env", env] : [];
  const wrangler = (...args: string[]) => exec("npx", ["--no-install", "wrangler", ...args, ...envArgs, "--json"]);
  try {
    const status = JSON.parse(await wrangler("deployments", "status")) as { versions?: { version_id: string; percentage: number }[] };
    const versions = [...(status.versions ?? [])].sort((a, b) => b.percentage - a.percentage);
    const top = versions[0];
    if (!top) return { raw: null, why: "no deployment yet" };
    const view = JSON.parse(await wrangler("versions", "view", top.version_id)) as { resources?: { bindings?: Binding[] } };
    const b = view.resources?.bindings?.find((x) => x.name === "TAGWIRE_CONFIG");
    const split = versions.length > 1 ? ` (gradual rollout: ${versions.map((v) => `${v.version_id.slice(0, 8)} ${v.percentage}%`).join(", ")})` : "";
    if (!b) return { raw: null, why: `deployed version ${top.version_id.slice(0, 8)} has no TAGWIRE_CONFIG binding (a bundled config)` };
    return { raw: b.type === "json" ? b.json : b.text, from: `deployed version ${top.version_id.slice(0, 8)}${split}` };
  } catch (e) {
    return { raw: null, why: `wrangler could not read the deployment (${(e as Error).message})` };
  }
}
