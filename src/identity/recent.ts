/**
 * The last few thousand results of a pure function of a string, kept in isolate memory (never stored or
 * logged). One event's email and phone are normalized and hashed by every destination that takes them, and a
 * visitor's for each of their events: the first destination does the work, the others look it up.
 *
 * Two generations instead of evicting the oldest entry one by one: deleting a Map's first entry leaves a hole
 * that every later `keys().next()` walks past until the table is rebuilt, which made a full memo cost more
 * than the work it saved (16 % of mapping CPU in a workerd profile). Here a full generation becomes the old
 * one and the one before is dropped whole; a hit in the old generation moves to the new one.
 */

/** Stands for a remembered `undefined` (a value that normalizes to nothing), so a hit costs one lookup. */
const NONE = Symbol("none");

export class Recent<V> {
  readonly #max: number;
  #current = new Map<string, V | typeof NONE>();
  #previous = new Map<string, V | typeof NONE>();

  /** Keeps at least the last `max` distinct keys asked for, at most twice that. */
  constructor(max: number) {
    this.#max = max;
  }

  /** The remembered result for `key`, else `compute()` (remembered). */
  get(key: string, compute: () => V): V {
    let hit = this.#current.get(key);
    if (hit === undefined) {
      hit = this.#previous.get(key);
      if (hit === undefined) {
        const v = compute();
        hit = v === undefined ? NONE : v;
      }
      this.#current.set(key, hit);
      if (this.#current.size >= this.#max) {
        this.#previous = this.#current;
        this.#current = new Map();
      }
    }
    return hit === NONE ? (undefined as V) : hit;
  }
}
