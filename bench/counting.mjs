/**
 * countingEntry(bundle, classNames): the source of a Worker entry module that re-exports the bundled Tagwire
 * Worker unchanged, except that every binding it is handed is counted on the way through. Tagwire's own code
 * is not touched: the entry wraps `env` (Durable Object namespaces and queue producers), the queue batches the
 * consumer receives, and each Durable Object's SQLite handle. GET /__bench/counts answers the totals.
 *
 * Used only for the counting run: the timed runs use the bundle as deployed, so the wrappers cost nothing there.
 * Counted:
 *   - Durable Object calls: every method called on a stub (RPC or fetch), by binding and method.
 *   - Queue: send/sendBatch calls, messages written and their 64 KB units (JSON size, as the queue bills),
 *     messages read by the consumer (redeliveries included), acked and retried (an unmarked message counts
 *     as acked when the handler returns and as retried when it throws, as the queue does).
 *   - Storage: SQLite statements and rows read/written (the cursor's own rowsRead/rowsWritten), keys written
 *     through the key-value storage API (put/delete), alarms run.
 */
export function countingEntry(bundle, classNames) {
  const classes = classNames
    .map(
      (name) => `
export class ${name} extends bundled.${name} {
  constructor(ctx, env) {
    countSql(ctx);
    super(ctx, wrapEnv(env));
  }
}
if (typeof bundled.${name}.prototype.alarm === "function") {
  Object.defineProperty(${name}.prototype, "alarm", {
    value: function (...args) { counts.alarms++; return bundled.${name}.prototype.alarm.apply(this, args); },
  });
}`,
    )
    .join("\n");
  return `import * as bundled from ${JSON.stringify(bundle)};

const UNIT = 64 * 1024;
const counts = {
  durableObjectCalls: {},
  queue: { batches: 0, sendCalls: 0, written: 0, writtenUnits: 0, writtenBytes: 0, read: 0, readUnits: 0, acked: 0, ackedUnits: 0, retried: 0 },
  sql: { statements: 0, rowsRead: 0, rowsWritten: 0 },
  kv: { keysWritten: 0 },
  alarms: 0,
};
const cursors = [];
const units = (body) => Math.max(1, Math.ceil(jsonSize(body) / UNIT));
function jsonSize(body) {
  try { return new TextEncoder().encode(JSON.stringify(body) ?? "").length; } catch { return 0; }
}

function countCall(binding, method) {
  const key = binding + "." + String(method);
  counts.durableObjectCalls[key] = (counts.durableObjectCalls[key] ?? 0) + 1;
}

function wrapStub(binding, stub) {
  return new Proxy(stub, {
    get(target, prop) {
      const value = target[prop];
      if (typeof value !== "function" || prop === "then") return value;
      return (...args) => {
        countCall(binding, prop);
        // Reflect, not value.apply: on an RPC stub, .apply would be taken for a remote method's name.
        return Reflect.apply(value, target, args);
      };
    },
  });
}

function wrapNamespace(binding, ns) {
  return new Proxy(ns, {
    get(target, prop) {
      const value = target[prop];
      if (typeof value !== "function") return value;
      if (prop === "get" || prop === "getByName") return (...args) => wrapStub(binding, Reflect.apply(value, target, args));
      return (...args) => Reflect.apply(value, target, args);
    },
  });
}

function wrapQueue(queue) {
  return {
    send(body, options) {
      counts.queue.sendCalls++;
      counts.queue.written++;
      counts.queue.writtenUnits += units(body);
      counts.queue.writtenBytes += jsonSize(body);
      return queue.send(body, options);
    },
    sendBatch(messages, options) {
      counts.queue.sendCalls++;
      for (const m of messages) {
        counts.queue.written++;
        counts.queue.writtenUnits += units(m.body);
        counts.queue.writtenBytes += jsonSize(m.body);
      }
      return queue.sendBatch(messages, options);
    },
  };
}

const wrapped = new WeakMap();
function wrapEnv(env) {
  if (!env || typeof env !== "object") return env;
  let out = wrapped.get(env);
  if (out) return out;
  out = {};
  for (const key of Object.keys(env)) {
    const v = env[key];
    if (v && typeof v.idFromName === "function") out[key] = wrapNamespace(key, v);
    else if (v && typeof v.sendBatch === "function") out[key] = wrapQueue(v);
    else out[key] = v;
  }
  wrapped.set(env, out);
  return out;
}

function countSql(ctx) {
  const storage = ctx?.storage;
  for (const method of ["put", "delete"]) {
    const original = storage?.[method];
    if (typeof original !== "function") continue;
    storage[method] = function (keyOrEntries, ...rest) {
      counts.kv.keysWritten += Array.isArray(keyOrEntries) ? keyOrEntries.length : typeof keyOrEntries === "object" && keyOrEntries ? Object.keys(keyOrEntries).length : 1;
      return Reflect.apply(original, storage, [keyOrEntries, ...rest]);
    };
  }
  const sql = storage?.sql;
  if (!sql || typeof sql.exec !== "function") return;
  const exec = sql.exec;
  sql.exec = function (...args) {
    counts.sql.statements++;
    const cursor = exec.apply(sql, args);
    cursors.push(cursor);
    return cursor;
  };
}

function wrapBatch(batch) {
  counts.queue.batches++;
  const state = new Map();
  const size = new Map();
  const messages = batch.messages.map((m) => {
    counts.queue.read++;
    const body = m.body;
    size.set(m, units(body));
    counts.queue.readUnits += size.get(m);
    return {
      id: m.id,
      timestamp: m.timestamp,
      attempts: m.attempts,
      body,
      ack() { state.set(m, "ack"); m.ack(); },
      retry(options) { state.set(m, "retry"); m.retry(options); },
    };
  });
  const settle = (outcome) => {
    for (const m of batch.messages) {
      const s = state.get(m) ?? outcome;
      if (s === "ack") { counts.queue.acked++; counts.queue.ackedUnits += size.get(m); }
      else counts.queue.retried++;
    }
  };
  const view = {
    queue: batch.queue,
    messages,
    ackAll() { for (const m of batch.messages) state.set(m, "ack"); batch.ackAll(); },
    retryAll(options) { for (const m of batch.messages) state.set(m, "retry"); batch.retryAll(options); },
  };
  return { view, settle };
}

function report() {
  for (const c of cursors.splice(0)) {
    counts.sql.rowsRead += c.rowsRead ?? 0;
    counts.sql.rowsWritten += c.rowsWritten ?? 0;
  }
  return counts;
}

const handler = bundled.default;
export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/counts") return Response.json(report());
    return handler.fetch(request, wrapEnv(env), ctx);
  },
  async queue(batch, env, ctx) {
    const { view, settle } = wrapBatch(batch);
    try {
      await handler.queue(view, wrapEnv(env), ctx);
    } catch (e) {
      settle("retry");
      throw e;
    }
    settle("ack");
  },
  ...(handler.scheduled ? { scheduled: (controller, env, ctx) => handler.scheduled(controller, wrapEnv(env), ctx) } : {}),
};
${classes}
`;
}
