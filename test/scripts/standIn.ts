/**
 * For tests of scripts that call a Worker's admin endpoint: a loopback stand-in that records each request and
 * answers what the test set, and a runner that starts a script against it with a given environment.
 */
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

const root = new URL("../../", import.meta.url).pathname;

export interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Starts the stand-in for the test file (beforeAll/afterAll); `base` is its prefix URL once started. `answer`
 * is what every request gets, or a function of the requests seen so far (the current one last).
 */
export function standIn() {
  const s = { seen: [] as Seen[], answer: { status: 200, body: {} } as Answer | ((seen: Seen[]) => Answer), base: "" };
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      s.seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const a = typeof s.answer === "function" ? s.answer(s.seen) : s.answer;
      res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    s.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/k7q`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return s;
}

/** Runs `node [nodeArgs] script args` from the repository root with only PATH and `env` set. */
export function runScript(nodeArgs: string[], args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [...nodeArgs, ...args], { cwd: root, env: { PATH: process.env.PATH!, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
