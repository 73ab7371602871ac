/**
 * Map and Set without V8's size ceiling. One JS Map or Set holds at most 2^24 (16,777,216) entries
 * ("RangeError: Map maximum size exceeded"); a database, hash, set or sorted set must hold as many as
 * memory allows, like Redis's dict.
 *
 * A BigMap / BigSet is a chain of native tables (shards). It starts as one, and every operation on a
 * one-shard table is one extra comparison away from the native call, so small collections pay
 * nothing. A new key goes into the last shard; when that one holds SHARD_CAPACITY keys a new shard
 * is started. A key never moves between shards, so:
 * - lookups try the shards in order (one lookup up to SHARD_CAPACITY keys, two up to twice that…);
 * - iteration walks the shards in order, each with its native live iterator, and reads the shard
 *   list as it goes: like a Map iterator it survives any change, visits every key present from its
 *   start to its end exactly once, and sees keys added after it started (SCAN's guarantee, scan.ts).
 * Shards are never dropped (an empty one costs one failed lookup) until `clear()`.
 */

/** Keys per shard: below the 2^24 limit of one native table, with room to spare for its rehash. */
export const SHARD_CAPACITY = 16_000_000;

type Table<K> = Map<K, unknown> | Set<K>;

/** What BigMap and BigSet share: the shard chain, its growth and its live iteration. */
abstract class Sharded<K, T extends Table<K>> {
  /** shards[0] is `first`; more only once `first` is full. */
  protected first: T;
  protected shards: T[];

  constructor(
    protected readonly make: () => T,
    /** Keys per shard; tests pass a small number to exercise the chain cheaply. */
    protected readonly capacity: number,
  ) {
    this.first = make();
    this.shards = [this.first];
  }

  get size(): number {
    if (this.shards.length === 1) return this.first.size;
    let n = 0;
    for (const shard of this.shards) n += shard.size;
    return n;
  }

  /** How many native tables hold the keys (1 until the first one fills). */
  get shardCount(): number {
    return this.shards.length;
  }

  has(key: K): boolean {
    if (this.first.has(key)) return true;
    for (let i = 1; i < this.shards.length; i++) if ((this.shards[i] as T).has(key)) return true;
    return false;
  }

  delete(key: K): boolean {
    if (this.first.delete(key)) return true;
    for (let i = 1; i < this.shards.length; i++) if ((this.shards[i] as T).delete(key)) return true;
    return false;
  }

  clear(): void {
    this.first = this.make();
    this.shards = [this.first];
  }

  /** The shard holding `key`, or undefined. */
  protected shardOf(key: K): T | undefined {
    for (const shard of this.shards) if (shard.has(key)) return shard;
    return undefined;
  }

  /** The shard a new key goes into: the last one, else one that deletes made room in, else a new one. */
  protected shardForNewKey(): T {
    const last = this.shards[this.shards.length - 1] as T;
    if (last.size < this.capacity) return last;
    for (const shard of this.shards) if (shard.size < this.capacity) return shard;
    const shard = this.make();
    this.shards.push(shard);
    return shard;
  }

  /** Every shard's iterator in turn; reads `this.shards` at each step so shards added later are walked. */
  protected *walk<R>(each: (shard: T) => Iterator<R>): Generator<R, undefined, unknown> {
    for (let i = 0; i < this.shards.length; i++) {
      const it = each(this.shards[i] as T);
      for (let r = it.next(); r.done !== true; r = it.next()) yield r.value;
    }
    return undefined;
  }

  get [Symbol.toStringTag](): string {
    return this.constructor.name;
  }
}

export class BigMap<K, V> extends Sharded<K, Map<K, V>> implements Map<K, V> {
  constructor(entries?: Iterable<readonly [K, V]>, capacity = SHARD_CAPACITY) {
    super(() => new Map<K, V>(), capacity);
    if (entries !== undefined) for (const [k, v] of entries) this.set(k, v);
  }

  get(key: K): V | undefined {
    const v = this.first.get(key);
    if (v !== undefined || this.shards.length === 1) return v;
    for (let i = 1; i < this.shards.length; i++) {
      const shard = this.shards[i] as Map<K, V>;
      if (shard.has(key)) return shard.get(key);
    }
    return undefined;
  }

  set(key: K, value: V): this {
    if (this.shards.length === 1 && this.first.size < this.capacity) {
      this.first.set(key, value);
      return this;
    }
    (this.shardOf(key) ?? this.shardForNewKey()).set(key, value);
    return this;
  }

  /** Each shard's native forEach: no [key, value] array or iterator result per entry. */
  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.shards.length; i++) {
      (this.shards[i] as Map<K, V>).forEach((v, k) => callback.call(thisArg, v, k, this));
    }
  }

  keys(): MapIterator<K> {
    if (this.shards.length === 1) return this.first.keys();
    return this.walk((s) => s.keys());
  }

  values(): MapIterator<V> {
    if (this.shards.length === 1) return this.first.values();
    return this.walk((s) => s.values());
  }

  entries(): MapIterator<[K, V]> {
    if (this.shards.length === 1) return this.first.entries();
    return this.walk((s) => s.entries());
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

export class BigSet<K> extends Sharded<K, Set<K>> implements Set<K> {
  constructor(keys?: Iterable<K>, capacity = SHARD_CAPACITY) {
    super(() => new Set<K>(), capacity);
    if (keys !== undefined) for (const k of keys) this.add(k);
  }

  add(key: K): this {
    if (this.shards.length === 1 && this.first.size < this.capacity) {
      this.first.add(key);
      return this;
    }
    if (this.shardOf(key) === undefined) this.shardForNewKey().add(key);
    return this;
  }

  forEach(callback: (value: K, key: K, set: Set<K>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.shards.length; i++) {
      (this.shards[i] as Set<K>).forEach((k) => callback.call(thisArg, k, k, this));
    }
  }

  keys(): SetIterator<K> {
    if (this.shards.length === 1) return this.first.keys();
    return this.walk((s) => s.keys());
  }

  values(): SetIterator<K> {
    return this.keys();
  }

  entries(): SetIterator<[K, K]> {
    if (this.shards.length === 1) return this.first.entries();
    return this.walk((s) => s.entries());
  }

  [Symbol.iterator](): SetIterator<K> {
    return this.keys();
  }
}
