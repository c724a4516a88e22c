/**
 * The last few hundred results of a pure function of a string, kept in isolate memory (never stored or
 * logged). One event's email and phone are normalized and hashed by every destination that takes them, and a
 * visitor's for each of their events: the first destination does the work, the others look it up.
 */
export class Recent<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();

  constructor(max: number) {
    this.#max = max;
  }

  /** The remembered result for `key`, else `compute()` (remembered, the oldest entry making room). */
  get(key: string, compute: () => V): V {
    const map = this.#map;
    if (map.has(key)) return map.get(key) as V;
    const v = compute();
    if (map.size >= this.#max) map.delete(map.keys().next().value!);
    map.set(key, v);
    return v;
  }
}
