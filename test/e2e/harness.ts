/**
 * The browser tests' world: the Worker under `wrangler dev --env dev` on a free loopback port (own state dir,
 * own inspector port, deterministic request.cf), Debian's chromium through playwright-core, and readers for
 * the debug endpoints. Test pages are served by intercepting a path on the Worker's own origin, so the SDK is
 * first-party exactly as on a customer's site.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { CanonicalEvent } from "../../src/event/canonical.ts";

/** Debian's chromium (`apt-get install chromium`); TAGWIRE_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.TAGWIRE_CHROMIUM || "/usr/bin/chromium";
export const P = "/k7q";
const DESKTOP_CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const root = fileURLToPath(new URL("../..", import.meta.url));

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface WorkerUnderTest {
  base: string;
  stop(): Promise<void>;
}

/** `extraArgs` go to `wrangler dev` as well (e.g. `--var TAGWIRE_CONFIG:<json>` for a test's own config). */
export async function startWorker(extraArgs: readonly string[] = []): Promise<WorkerUnderTest> {
  const [port, inspector] = [await freePort(), await freePort()];
  const state = mkdtempSync(join(tmpdir(), "tagwire-e2e-state-"));
  const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");
  const args = ["dev", "--env", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)];
  args.push("--persist-to", state, "--show-interactive-dev-session=false", "--live-reload=false", "--log-level", "warn", ...extraArgs);
  // process.execPath: the Node running vitest (22), not whatever `node` is first on PATH.
  const child: ChildProcess = spawn(process.execPath, [wrangler, ...args], {
    cwd: root,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_PATH: "./dev/cf.json", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once("exit", r));
      // The process group: wrangler and the workerd it started, nothing else.
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}${P}/health`)).ok) return { base, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not become ready on ${base}:\n${output.slice(-3000)}`);
}

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "tagwire-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // Headless Chrome's own user agent says "HeadlessChrome", which the pipeline rightly marks as a bot, and
    // destinations never get bots. Tests act as an ordinary desktop Chrome.
    userAgent: DESKTOP_CHROME,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Serves `html` at `${base}${path}` for this page only; every other request reaches the Worker. */
export async function servePage(page: Page, base: string, path: string, html: string): Promise<void> {
  const origin = new URL(base).origin;
  await page.route(
    (url) => url.origin === origin && url.pathname === path,
    (route) => route.fulfill({ status: 200, contentType: "text/html", body: html }),
  );
}

/** What P/debug/events lists: canonical events. */
export type DebugEvent = CanonicalEvent;
export interface DebugRequest {
  destination: string;
  event_ids: string[];
  mode: string;
}

export async function debugEvents(base: string): Promise<DebugEvent[]> {
  return ((await (await fetch(`${base}${P}/debug/events?limit=500`)).json()) as { events: DebugEvent[] }).events;
}
export async function debugRequests(base: string): Promise<DebugRequest[]> {
  return ((await (await fetch(`${base}${P}/debug/requests?limit=500`)).json()) as { requests: DebugRequest[] }).requests;
}

/** Polls the debug log until every id has arrived (or 15 s pass), then returns those events in id order. */
export async function waitForEvents(base: string, ids: string[]): Promise<DebugEvent[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const events = await debugEvents(base);
    const found = ids.map((id) => events.find((e) => e.event_id === id));
    if (found.every((e) => e !== undefined)) return found as DebugEvent[];
    if (Date.now() > deadline) {
      const missing = ids.filter((_, i) => !found[i]);
      throw new Error(`events never arrived: ${missing.join(", ")} (log has ${events.length} events)`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls until the destinations have recorded requests for the id, and returns which destinations did. */
export async function destinationsFor(base: string, id: string, expected: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = (await debugRequests(base)).filter((r) => r.event_ids.includes(id)).map((r) => r.destination);
    if (got.includes(expected) || Date.now() > deadline) return got.sort();
    await new Promise((r) => setTimeout(r, 200));
  }
}
