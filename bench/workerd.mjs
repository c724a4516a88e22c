/**
 * startWorker(options): runs one Worker on workerd through Miniflare, on its own socket (unsafeDirectSockets),
 * so requests reach the Worker directly and not through Miniflare's entry worker, which costs several times an
 * empty Worker's CPU per request. Each Worker gets its own Miniflare, hence its own workerd process, whose CPU
 * time cpuSeconds(pid) reads from /proc: ingest, Durable Objects, the emulated queue and its consumer all run
 * in that one process.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";

const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function workerdChildren() {
  const out = execFileSync("ps", ["--ppid", String(process.pid), "-o", "pid=,comm="], { encoding: "utf8" });
  return new Set(
    out
      .split("\n")
      .filter((l) => l.includes("workerd"))
      .map((l) => Number(l.trim().split(/\s+/)[0])),
  );
}

/**
 * Starts one Worker (Miniflare v4-shaped worker options) and answers { mf, url, pid }: url is the Worker's
 * own socket on 127.0.0.1. Call one at a time: the new workerd process is told apart by its pid.
 */
export async function startWorker(options) {
  const before = workerdChildren();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      ...(options.scriptPath ? { modulesRoot: dirname(options.scriptPath) } : {}),
      ...options,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    }),
  );
  await mf.ready;
  const url = await mf.unsafeGetDirectURL();
  const pid = [...workerdChildren()].find((p) => !before.has(p));
  if (!pid) throw new Error("could not find the workerd process of the Worker just started");
  return { mf, url, pid };
}
