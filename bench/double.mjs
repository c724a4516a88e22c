/**
 * startDouble(): the destinations' stand-in on loopback. It answers 200 to everything and counts, per path,
 * the events it received and how many distinct ones (a duplicate delivery shows as received > unique).
 * A JSON body's `events` array (Tagwire's webhook) counts as its events; anything else counts as one event,
 * identified by its `event_id` or `ep.transaction_id` query parameter when it has one.
 */
import { createServer } from "node:http";

export async function startDouble() {
  /** @type {Map<string, { received: number, ids: Set<string> }>} */
  const byPath = new Map();
  const tally = (path) => {
    let t = byPath.get(path);
    if (!t) byPath.set(path, (t = { received: 0, ids: new Set() }));
    return t;
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://double");
      const t = tally(url.pathname);
      let events = null;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (Array.isArray(body?.events)) events = body.events;
      } catch {}
      if (events) {
        for (const e of events) {
          t.received++;
          const id = e?.event_id ?? e?.id;
          if (typeof id === "string") t.ids.add(id);
        }
      } else {
        t.received++;
        const id = url.searchParams.get("event_id") ?? url.searchParams.get("ep.transaction_id");
        if (id) t.ids.add(id);
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (path) => base + path,
    received: (path) => byPath.get(path)?.received ?? 0,
    unique: (path) => byPath.get(path)?.ids.size ?? 0,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
