/**
 * startWebCM(endpoint, outDir): WebCM (the open-source core of Zaraz, a Node proxy) with one GA4-like component
 * (bench/webcm/components/ga4-like) that forwards each event to `endpoint`. WebCM comes from the npm registry
 * and is installed apart from Tagwire's dependencies, in bench/webcm (pinned by its package-lock.json), with
 * `npm ci` on first use. Answers { pid, url, version, ecommercePath, close }, or { unavailable: reason } when
 * it cannot be installed or started.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dir = fileURLToPath(new URL("webcm/", import.meta.url));
const installed = join(dir, "node_modules/webcm/lib/server.ts");
// WebCM's own bin loads its TypeScript through ts-node 10, whose module loader refuses the ESM files that
// its newer dependencies require on Node 22. The same sources transpiled by esbuild (dependencies left to
// Node's own require, from bench/webcm/node_modules) run unchanged.
const built = join(dir, "node_modules/.tagwire-bench/webcm.cjs");

async function buildWebCM() {
  mkdirSync(join(dir, "node_modules/.tagwire-bench"), { recursive: true });
  await build({
    stdin: {
      contents: 'const { startServer } = require("webcm/lib/server"); startServer(process.argv[2], process.argv[3]);',
      resolveDir: dir,
      loader: "js",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    packages: "external",
    // webcm itself must be bundled (it is TypeScript); everything it imports stays external.
    plugins: [
      {
        name: "bundle-webcm",
        setup(b) {
          b.onResolve({ filter: /^webcm\// }, (args) => ({ path: join(dir, "node_modules", args.path + ".ts") }));
        },
      },
    ],
    outfile: built,
    logLevel: "error",
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

export async function startWebCM(endpoint, outDir) {
  if (!existsSync(installed)) {
    try {
      console.log("installing WebCM into bench/webcm (npm ci, once)…");
      execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit", timeout: 180_000 });
    } catch (e) {
      return { unavailable: `npm ci in bench/webcm failed: ${e instanceof Error ? e.message.split("\n")[0] : e}` };
    }
  }
  try {
    await buildWebCM();
  } catch (e) {
    return { unavailable: `could not build WebCM: ${e instanceof Error ? e.message.split("\n")[0] : e}` };
  }
  const port = await freePort();
  const ecommercePath = "/webcm/ecommerce";
  const config = join(outDir, "webcm.json");
  writeFileSync(
    config,
    JSON.stringify({
      components: [["ga4-like", { tid: "G-ABC123XYZ9", endpoint }]],
      target: "http://127.0.0.1:9", // the site WebCM would proxy; the bench only posts to its event endpoints
      hostname: "127.0.0.1",
      port,
      trackPath: "/webcm/track",
      ecommerceEventsPath: ecommercePath,
      clientEventsPath: "/webcm/system",
      cookiesKey: "bench-cookie-key",
    }),
  );
  const child = spawn(process.execPath, [built, config, join(dir, "components")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  // WebCM is not a child that dies with us by itself (workerd is): never leave it listening.
  process.once("exit", () => child.kill());
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await listening(port)) {
      const { version } = JSON.parse(readFileSync(join(dir, "node_modules/webcm/package.json"), "utf8"));
      return { pid: child.pid, url, version, ecommercePath, close: () => child.kill() };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  return { unavailable: `WebCM did not start: ${log.trim().split("\n").slice(-3).join(" / ")}` };
}
