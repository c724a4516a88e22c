/**
 * What every script shares on the command line: `--help` prints its usage, a bad flag prints one line and the
 * usage, and an error prints its message, never a stack trace (these are tools for people, not libraries).
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

export interface Cli<O extends ParseArgsOptionsConfig> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
  positionals: string[];
}

/** Parses argv against `options`; answers --help with `usage` and exits; fails with exit code 2 on a bad flag. */
export function cli<const O extends ParseArgsOptionsConfig>(
  name: string,
  usage: string,
  options: O,
  argv: string[] = process.argv.slice(2),
): Cli<O> {
  failQuietly(name);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage.trim());
    process.exit(0);
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values, positionals } as Cli<O>;
  } catch (e) {
    console.error(`${name}: ${(e as Error).message}\n\n${usage.trim()}`);
    process.exit(2);
  }
}

/** Any error that escapes the script ends it with its message alone (exit code 1). */
export function failQuietly(name: string): void {
  const fail = (e: unknown) => {
    console.error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
}

/** Exits with a message and the given code. */
export function die(name: string, message: string, code = 2): never {
  console.error(`${name}: ${message}`);
  process.exit(code);
}

/** The admin token from TAGWIRE_ADMIN_TOKEN (never a flag: flags end up in shell history), or exit 2. */
export function adminToken(name: string): string {
  const token = process.env.TAGWIRE_ADMIN_TOKEN;
  if (!token) die(name, "set TAGWIRE_ADMIN_TOKEN to the Worker's admin token");
  return token;
}

/**
 * Calls the admin endpoint `path` under the Worker's prefix URL `base`: POST with `body` as JSON, else GET;
 * the bearer token when there is one. Exits with one line (code `unreachable`) when the Worker cannot be
 * reached; otherwise answers the status and the JSON answer ({} when the answer is not JSON).
 */
export async function callAdmin(
  name: string,
  base: string,
  path: string,
  o: { token?: string | undefined; body?: unknown; unreachable?: number } = {},
): Promise<{ ok: boolean; status: number; answer: Record<string, any> }> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const init: RequestInit = o.body === undefined ? { headers } : { method: "POST", headers, body: JSON.stringify(o.body) };
  const res = await fetch(`${base}${path}`, init).catch((e: Error & { cause?: Error }) => die(name, `cannot reach ${base}: ${e.cause?.message ?? e.message}`, o.unreachable ?? 2));
  const answer = (await res.json().catch(() => ({}))) as Record<string, any>;
  return { ok: res.ok, status: res.status, answer };
}
