/**
 * A string-keyed Map split by a hash of the key into a fixed number of smaller tables: a database's
 * key table (Database.entries, .expires), which holds millions of keys.
 *
 * The tables are DenseTables (dense-table.ts: what a V8 Map costs per key under churn, and why).
 * Why not one table: a single backing array is 450 MB for 10M keys. V8's concurrent marker scans
 * such an array in one go, out of sight of the main thread, which then finds its own work list
 * empty, takes marking for finished and does the rest in the atomic pause: Mark-Compact pauses of
 * 0.5–4.6 s on 10M keys (--trace-gc-nvp: nearly all of it mark.full_closure_parallel). Growing such
 * a table also rehashes every key at once (a stall of the same order). With PARTITIONS tables each
 * array stays small (10M keys: under 1 MB each), so marking is spread over many objects that the main
 * thread sees, and a rehash moves 1/PARTITIONS of the keys.
 *
 * A key always lives in the table its hash picks, so iteration walks the tables in order with each
 * one's live iterator and reads the table list as it goes: it survives any change, and visits every
 * key present from its start to its end exactly once (SCAN's guarantee, scan.ts). A key added
 * during the walk is seen if it lands in a table the walk has not finished. Unlike a Map, the order
 * is not the insertion order (Redis's own order is its hash table's).
 *
 * Tables are made on the first key that needs them, so an empty database costs one array.
 */
import { DenseTable, keyHash, type EntrySample } from './dense-table.js';

/** Tables per map: a power of two (the hash is masked). */
export const PARTITIONS = 256;
const MASK = PARTITIONS - 1;
/** Up to this many keys, randomEntries walks the map instead of drawing (most tables would be empty). */
const SMALL_MAP_KEYS = 4 * PARTITIONS;
const MAX_DRAWS = 64;

/** The table index of `key`: the low bits of its hash (the table's index uses the high ones). */
export function partitionOf(key: string): number {
  return keyHash(key) & MASK;
}

export class PartitionedMap<V> implements Map<string, V> {
  private parts: (DenseTable<V> | undefined)[] = new Array<DenseTable<V> | undefined>(PARTITIONS);
  private count = 0;

  constructor(entries?: Iterable<readonly [string, V]>) {
    if (entries !== undefined) for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    return this.count;
  }

  /** How many tables hold keys (for tests). */
  get partitionCount(): number {
    let n = 0;
    for (const p of this.parts) if (p !== undefined && p.size > 0) n++;
    return n;
  }

  get(key: string): V | undefined {
    const h = keyHash(key);
    return this.parts[h & MASK]?.getHashed(key, h);
  }

  has(key: string): boolean {
    const h = keyHash(key);
    return this.parts[h & MASK]?.hasHashed(key, h) ?? false;
  }

  set(key: string, value: V): this {
    const h = keyHash(key);
    let p = this.parts[h & MASK];
    if (p === undefined) this.parts[h & MASK] = p = new DenseTable<V>();
    if (p.setHashed(key, h, value)) this.count++;
    return this;
  }

  delete(key: string): boolean {
    const h = keyHash(key);
    if (this.parts[h & MASK]?.deleteHashed(key, h) !== true) return false;
    this.count--;
    return true;
  }

  /**
   * Puts `n` entries drawn at random (with replacement) in `sample`, none when the map is empty. A draw
   * picks a table, then a slot in it (DenseTable.drawInto); the tables hold about as many keys each
   * (the hash spreads them), so every key is about as likely. A small map is walked instead (most of
   * its tables are empty), and so is one where MAX_DRAWS draws in a row found only holes.
   */
  randomEntries(n: number, sample: EntrySample<V>): void {
    sample.count = 0;
    if (this.count === 0) return;
    for (let i = 0; i < n; i++) {
      let drawn = false;
      for (let draw = 0; !drawn && draw < MAX_DRAWS && this.count > SMALL_MAP_KEYS; draw++) {
        drawn = this.parts[Math.floor(Math.random() * PARTITIONS)]?.drawInto(Math.random(), sample) ?? false;
      }
      if (!drawn) this.walkTo(Math.floor(Math.random() * this.count), sample);
    }
  }

  /** Adds the entry at position `skip` of a walk over the tables to `sample`. */
  private walkTo(position: number, sample: EntrySample<V>): void {
    let skip = position;
    for (const p of this.parts) {
      if (p === undefined) continue;
      if (skip >= p.size) {
        skip -= p.size;
        continue;
      }
      for (const [key, value] of p) {
        if (skip-- > 0) continue;
        sample.keys[sample.count] = key;
        sample.values[sample.count] = value;
        sample.access[sample.count++] = this.accessOf(key) ?? -1;
        return;
      }
    }
  }

  /** The key's access number (eviction.ts: LRU clock or LFU counter), undefined if never set or no key. */
  accessOf(key: string): number | undefined {
    const h = keyHash(key);
    return this.parts[h & MASK]?.accessOf(key, h);
  }

  /** Sets the key's access number (0 to 2^32 - 2), kept with the key until it goes; false if no such key. */
  setAccess(key: string, n: number): boolean {
    const h = keyHash(key);
    return this.parts[h & MASK]?.setAccess(key, h, n) ?? false;
  }

  clear(): void {
    this.parts = new Array<DenseTable<V> | undefined>(PARTITIONS);
    this.count = 0;
  }

  /** Each table's own forEach: no [key, value] array or iterator result per entry. */
  forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    const parts = this.parts;
    for (let i = 0; i < PARTITIONS; i++) parts[i]?.forEach((v, k) => callback.call(thisArg, v, k, this));
  }

  /**
   * The tables themselves, in iteration order, undefined where none was made yet: a live view (a
   * table made later appears in it; after clear() it goes on holding the tables it had), for a walk
   * that lists whole tables with their native forEach (store/snapshot.ts) instead of one iterator
   * step per key, which allocates a result object per key at each level.
   */
  tables(): readonly (ReadonlyMap<string, V> | undefined)[] {
    return this.parts;
  }

  keys(): MapIterator<string> {
    return this.walk((p) => p.keys());
  }

  values(): MapIterator<V> {
    return this.walk((p) => p.values());
  }

  entries(): MapIterator<[string, V]> {
    return this.walk((p) => p.entries());
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'PartitionedMap';
  }

  /**
   * Every table's iterator in turn. Reads `this.parts` at each table, so one made after the walk
   * started is walked if the walk has not passed its index; after clear() the walk goes on over the
   * tables it started on (as a Map iterator does over a Map that was replaced).
   */
  private *walk<R>(each: (p: DenseTable<V>) => Iterator<R>): Generator<R, undefined, unknown> {
    const parts = this.parts;
    for (let i = 0; i < PARTITIONS; i++) {
      const p = parts[i];
      if (p === undefined) continue;
      const it = each(p);
      for (let r = it.next(); r.done !== true; r = it.next()) yield r.value;
    }
    return undefined;
  }
}
