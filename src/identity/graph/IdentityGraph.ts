/**
 * One shard of the identity graph: a SQLite-backed Durable Object holding the nodes whose key hashes here
 * (src/identity/graph/nodes.ts). A node is either a person's root (it holds the person's state and the
 * list of identifiers linked to it) or an alias pointing at its root. Linking is three ordered claims, each
 * decided inside one object (docs/identity.md): reserve a place at the root (the cap), claim the identifier
 * at its own shard (an identifier belongs to one root; a user id is never claimed), then adopt its state at
 * the root. The consumer sends each shard one `run` call per phase with all of a batch's operations, which
 * are applied in order inside the object's input gate.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env.ts";
import { isUserKey } from "./nodes.ts";
import { emptyState, mergeStates, observe, sameState, type Observation, type PersonState } from "./state.ts";
import { objectIn } from "../../objects/locate.ts";

export type GraphOp =
  /** Where this key belongs: its root (itself when it is a root or unknown). */
  | { op: "resolve"; key: string }
  /** At a root: make room for `member` under the cap. */
  | { op: "reserve"; root: string; member: string; cap: number }
  /** At a member's shard: point it at `root`; returns what it held so the root can adopt it. */
  | { op: "claim"; key: string; root: string }
  /** At a root: take in a claimed member's state and members. */
  | { op: "adopt"; root: string; member: string; state: PersonState | null; members: string[]; directWindowDays: number }
  /** At a root: a reserved member could not be claimed. */
  | { op: "unreserve"; root: string; member: string }
  /** At a root: apply an event's observation; `read` returns the person's state afterwards. */
  | { op: "observe"; root: string; obs: Observation | null; read: boolean; directWindowDays: number }
  /** Deletes these keys; returns the identifiers the deleted roots listed. */
  | { op: "erase"; keys: string[] };

export type GraphResult =
  | { kind: "root"; root: string; exists: boolean }
  | { kind: "ok"; state?: PersonState | null; members?: string[] }
  | { kind: "refused"; reason: "cap" | "taken" | "user" }
  /** The root was merged into another since the caller resolved it: retry there. */
  | { kind: "moved"; root: string }
  | { kind: "erased"; deleted: number; members: string[] };

type NodeRow = { key: string; root: string | null; state: string | null; members: string; refused: number };

export class IdentityGraph extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS nodes (
         key TEXT PRIMARY KEY, root TEXT, state TEXT, members TEXT NOT NULL, refused INTEGER NOT NULL,
         updated_at INTEGER NOT NULL) WITHOUT ROWID`,
    );
  }

  /** Applies the operations in order; one result per operation. */
  run(ops: GraphOp[], now: number): GraphResult[] {
    return ops.map((o) => this.apply(o, now));
  }

  /** A node as stored (tests and erasure checks). */
  node(key: string): { root: string | null; state: PersonState | null; members: string[]; refused: number } | null {
    const r = this.row(key);
    return r ? { root: r.root, state: r.state ? (JSON.parse(r.state) as PersonState) : null, members: JSON.parse(r.members) as string[], refused: r.refused } : null;
  }

  /** Number of nodes in this shard (tests and the cost docs). */
  size(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM nodes").one().n;
  }

  private row(key: string): NodeRow | undefined {
    return this.ctx.storage.sql.exec<NodeRow>("SELECT key, root, state, members, refused FROM nodes WHERE key = ?", key).toArray()[0];
  }

  private write(key: string, root: string | null, state: PersonState | null, members: string[], refused: number, now: number): void {
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO nodes (key, root, state, members, refused, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
      key,
      root,
      state ? JSON.stringify(state) : null,
      JSON.stringify(members),
      refused,
      now,
    );
  }

  private apply(o: GraphOp, now: number): GraphResult {
    switch (o.op) {
      case "resolve": {
        const r = this.row(o.key);
        return { kind: "root", root: r?.root ?? o.key, exists: r !== undefined };
      }
      case "reserve": {
        const r = this.row(o.root);
        if (r?.root) return { kind: "moved", root: r.root };
        const members = r ? (JSON.parse(r.members) as string[]) : [];
        if (members.includes(o.member)) return { kind: "ok" };
        if (members.length >= o.cap) {
          // Counted on the person: a visitor typing someone else's email must not take over their identity.
          this.write(o.root, null, r?.state ? (JSON.parse(r.state) as PersonState) : null, members, (r?.refused ?? 0) + 1, now);
          return { kind: "refused", reason: "cap" };
        }
        this.write(o.root, null, r?.state ? (JSON.parse(r.state) as PersonState) : null, [...members, o.member], r?.refused ?? 0, now);
        return { kind: "ok" };
      }
      case "claim": {
        const r = this.row(o.key);
        if (!r) {
          this.write(o.key, o.root, null, [], 0, now);
          return { kind: "ok", state: null, members: [] };
        }
        const members = JSON.parse(r.members) as string[];
        const state = r.state ? (JSON.parse(r.state) as PersonState) : null;
        if (r.root === o.root) return { kind: "ok", state, members };
        if (r.root !== null) return { kind: "refused", reason: "taken" };
        // Two distinct user ids are never merged.
        if (isUserKey(o.key)) return { kind: "refused", reason: "user" };
        // The snapshot stays on the alias, so a redelivered batch can adopt it again (adopting is idempotent).
        this.write(o.key, o.root, state, members, r.refused, now);
        return { kind: "ok", state, members };
      }
      case "adopt": {
        const r = this.row(o.root);
        if (r?.root) return { kind: "moved", root: r.root };
        const members = new Set(r ? (JSON.parse(r.members) as string[]) : []);
        members.add(o.member);
        for (const m of o.members) if (m !== o.root) members.add(m);
        const before = r?.state ? (JSON.parse(r.state) as PersonState) : emptyState();
        const state = o.state ? mergeStates(before, o.state, o.directWindowDays) : before;
        this.write(o.root, null, state, [...members], r?.refused ?? 0, now);
        return { kind: "ok" };
      }
      case "unreserve": {
        const r = this.row(o.root);
        if (!r || r.root) return { kind: "ok" };
        const members = (JSON.parse(r.members) as string[]).filter((m) => m !== o.member);
        this.write(o.root, null, r.state ? (JSON.parse(r.state) as PersonState) : null, members, r.refused, now);
        return { kind: "ok" };
      }
      case "observe": {
        const r = this.row(o.root);
        if (r?.root) return { kind: "moved", root: r.root };
        const before = r?.state ? (JSON.parse(r.state) as PersonState) : emptyState();
        const after = o.obs ? observe(before, o.obs, o.directWindowDays) : before;
        // Only a change is written: a page view in a session already observed costs no row.
        if (o.obs && (!r || !sameState(before, after))) this.write(o.root, null, after, r ? (JSON.parse(r.members) as string[]) : [], r?.refused ?? 0, now);
        return o.read ? { kind: "ok", state: after } : { kind: "ok" };
      }
      case "erase": {
        // A root lists every identifier pointing at it (a link is reserved in that list before it is
        // claimed), so erasure follows the lists and never scans the table.
        const members: string[] = [];
        let deleted = 0;
        for (const k of o.keys) {
          const r = this.row(k);
          if (!r) continue;
          members.push(...(JSON.parse(r.members) as string[]));
          this.ctx.storage.sql.exec("DELETE FROM nodes WHERE key = ?", k);
          deleted++;
        }
        return { kind: "erased", deleted, members };
      }
    }
  }
}

/** The stub of graph shard `n`. */
export function graphStub(env: Env, n: number) {
  return objectIn(env, "IDENTITY", `graph-${n}`);
}
