/**
 * Which secrets a Worker has, by name only (values are never read into anything that prints): `.dev.vars`
 * locally (or `.dev.vars.<env>`, which wrangler prefers when it exists), `wrangler secret list` for a deployed
 * Worker. A source that cannot answer says why instead of guessing.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export type SecretNames = { names: Set<string>; from: string } | { names: null; why: string };

/** Names defined in a dotenv-style file (`NAME=value` lines; comments and blanks ignored). */
export function parseDevVarsNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (m && m[2]!.replace(/^["']|["']$/g, "").trim() !== "") names.add(m[1]!);
  }
  return names;
}

export function localSecretNames(dir: string, env?: string): SecretNames {
  const file = env && existsSync(`${dir}/.dev.vars.${env}`) ? `.dev.vars.${env}` : ".dev.vars";
  if (!existsSync(`${dir}/${file}`)) return { names: new Set(), from: `${file} (absent)` };
  return { names: parseDevVarsNames(readFileSync(`${dir}/${file}`, "utf8")), from: file };
}

/** Runs a command and resolves its stdout, or rejects with its error line (colours stripped). */
export function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const lines = `${stderr}\n${stdout}`.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, "").replace(/^✘\s*\[ERROR\]\s*/, "").trim()).filter(Boolean);
      reject(new Error(lines.find((l) => /error|✘|not logged|auth/i.test(l)) ?? lines[0] ?? err.message));
    });
  });
}

export async function deployedSecretNames(env?: string, exec: typeof run = run): Promise<SecretNames> {
  try {
    const out = await exec("npx", ["--no-install", "wrangler", "secret", "list", "--format", "json", ...(env ? ["--env", env] : [])]);
    const list = JSON.parse(out.slice(out.indexOf("["))) as { name: string }[];
    return { names: new Set(list.map((s) => s.name)), from: `wrangler secret list${env ? ` --env ${env}` : ""}` };
  } catch (e) {
    return { names: null, why: `wrangler secret list failed (${(e as Error).message}); run \`npx wrangler login\` to check deployed secrets` };
  }
}
