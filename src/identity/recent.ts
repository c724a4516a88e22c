/**
 * The last few hundred results of a pure function of a string, kept in isolate memory (never stored or
 * logged). One event's email and phone are normalized and hashed by every destination that takes them, and a
 * visitor's for each of their events: the first destination does the work, the others look it up.
 */
/** Stands for a remembered `undefined` (a value that normalizes to nothing), so a hit costs one lookup. */
const NONE = Symbol("none");

export class Recent<V> {
  readonly #max: number;
  readonly #map = new Map<string, V | typeof NONE>();

  constructor(max: number) {
    this.#max = max;
  }

  /** The remembered result for `key`, else `compute()` (remembered, the oldest entry making room). */
  get(key: string, compute: () => V): V {
    const map = this.#map;
    const hit = map.get(key);
    if (hit !== undefined) return hit === NONE ? (undefined as V) : hit;
    const v = compute();
    if (map.size >= this.#max) map.delete(map.keys().next().value!);
    map.set(key, v === undefined ? NONE : v);
    return v;
  }
}
