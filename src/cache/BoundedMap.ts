/**
 * A Map that keeps at most `capacity` entries, the oldest written going first: for the large per-isolate
 * memories (dedupe keys, identity roots and sessions, 50,000 entries each).
 *
 * Evicting with `map.delete(map.keys().next().value)` is what this replaces: V8 leaves a deleted entry as a
 * hole that every later walk from the start passes over until the table is rebuilt, so once such a map is
 * full each eviction costs time in proportion to its size (≈ 50 µs per write at 50,000 entries inside
 * workerd, against ≈ 1 µs at 512). Here the order of writes is kept in a queue beside the map.
 */
export class BoundedMap<K, V> {
  readonly #capacity: number;
  readonly #map = new Map<K, { value: V; seq: number }>();
  /** Keys in the order written (a key written again appears again; its older place is skipped). */
  #order: K[] = [];
  #seqs: number[] = [];
  #head = 0;
  #seq = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#map.size;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  get(key: K): V | undefined {
    return this.#map.get(key)?.value;
  }

  /** Writes `key` as the newest entry (also when it was there); call trim() to enforce the capacity. */
  set(key: K, value: V): void {
    const seq = ++this.#seq;
    this.#map.set(key, { value, seq });
    this.#order.push(key);
    this.#seqs.push(seq);
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  /** Drops the oldest entries until at most `capacity` remain. */
  trim(): void {
    while (this.#map.size > this.#capacity && this.#head < this.#order.length) {
      const key = this.#order[this.#head]!;
      const seq = this.#seqs[this.#head]!;
      this.#head++;
      // Only the key's latest write counts: an earlier place in the queue is stale.
      if (this.#map.get(key)?.seq === seq) this.#map.delete(key);
    }
    this.#compact();
  }

  /** set() then trim(). */
  remember(key: K, value: V): void {
    this.set(key, value);
    this.trim();
  }

  clear(): void {
    this.#map.clear();
    this.#order = [];
    this.#seqs = [];
    this.#head = 0;
  }

  /** Keeps the queue within a small multiple of the map: stale places are dropped when they pile up. */
  #compact(): void {
    const live = this.#order.length - this.#head;
    if (live > 2 * this.#map.size + 64) {
      const order: K[] = [];
      const seqs: number[] = [];
      for (let i = this.#head; i < this.#order.length; i++) {
        const key = this.#order[i]!;
        if (this.#map.get(key)?.seq === this.#seqs[i]) {
          order.push(key);
          seqs.push(this.#seqs[i]!);
        }
      }
      this.#order = order;
      this.#seqs = seqs;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#seqs = this.#seqs.slice(this.#head);
      this.#head = 0;
    }
  }
}
