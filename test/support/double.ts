/**
 * A local HTTP test double for destinations, started once by vitest's globalSetup on a loopback port.
 * Every request is recorded under the first path segment (a per-test "bucket"), and a test can script the
 * answers of a bucket: POST /__script/<bucket> with [{status, body?, headers?, times?}, …].
 *   GET    /__requests/<bucket>  → recorded requests (method, path, query, headers, body)
 *   DELETE /__requests/<bucket>  → forget them
 */
import { createServer, type Server } from "node:http";

interface Recorded {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}
interface Scripted {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  times?: number;
}

export function startDouble(): Promise<{ server: Server; port: number }> {
  const recorded = new Map<string, Recorded[]>();
  const scripts = new Map<string, Scripted[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://double");
      const parts = url.pathname.split("/").filter(Boolean);
      const body = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, payload: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(payload);
      };
      if (parts[0] === "__requests" && parts[1]) {
        if (req.method === "DELETE") {
          recorded.delete(parts[1]);
          return send(200, "{}");
        }
        return send(200, JSON.stringify(recorded.get(parts[1]) ?? []));
      }
      if (parts[0] === "__script" && parts[1]) {
        scripts.set(parts[1], JSON.parse(body || "[]") as Scripted[]);
        return send(200, "{}");
      }
      const bucket = parts[0] ?? "_";
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const list = recorded.get(bucket) ?? [];
      list.push({ method: req.method ?? "GET", path: url.pathname, query: url.search, headers, body, at: Date.now() });
      recorded.set(bucket, list);
      const script = scripts.get(bucket);
      const next = script?.[0];
      if (next) {
        if (next.times !== undefined && --next.times <= 0) script.shift();
        return send(next.status, next.body ?? "{}", next.headers);
      }
      return send(200, '{"ok":true}');
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port })));
}
