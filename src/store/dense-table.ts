/**
 * The keyspace's hash table: one per partition of a PartitionedMap (a database's keys and TTLs). It
 * replaces a V8 Map there because of what a Map costs under churn. A Map appends every new key to its
 * backing array and leaves a hole where a key was deleted. When the array is full it doubles unless
 * half of it is holes. Under eviction (a key added, another deleted, over and over) it settles at 2 to
 * 4 slots per live key, and a slot is 28 bytes: 56-112 bytes per key, besides the key and value
 * themselves. Redis's dict entry and bucket cost 40.
 *
 * Layout, with a key's slot being its position in the dense arrays:
 * - `keyAt`, `valueAt`: the entries, dense. A deleted entry leaves a hole (keyAt undefined) that the
 *   next new key takes (a free list threaded through `hashAt`), so churn does not grow the table.
 *   They grow by half when they have no hole left.
 * - `hashAt`: each entry's hash (keyHash), compared before the key, and kept so rebuilding the index
 *   never hashes a key again.
 * - `index`: open addressing with linear probing over an Int32Array of slot + 1 (0: empty). A delete
 *   moves later entries of its probe run back (Knuth's algorithm R) instead of leaving a tombstone:
 *   with tombstones, random deletes (eviction) kept the index 3/4 full between rebuilds, and a lookup
 *   of an absent key (every SET of a new key) probed 7 slots on average instead of 2. Rebuilt
 *   (entries do not move) when the keys fill more than half of it, at twice the size, so they fill
 *   1/4 to 1/2 of it: a lookup of an absent key probes at most 2.5 slots on average.
 * - `accessAt`: an optional 32-bit number per entry (the eviction policy's LRU clock or LFU counter),
 *   made on first use, so a server without maxmemory pays nothing for it.
 * Per live key that is 20-24 bytes in the dense arrays (which are 2/3 to fully used) and 8-16 in the
 * index: about 40 bytes.
 *
 * Iteration walks the slots in order and survives any change, like a Map iterator: an entry never
 * moves, except when the table shrinks (fewer than 1/4 of its slots live after a delete) and packs its
 * entries, in order, to the front. Each such packing is recorded in an epoch chain (as V8 does for a
 * Map's obsolete tables): an iterator that started before it moves its place back by the number of
 * holes that were below it. So an iterator visits every key present from its start to its end exactly
 * once (SCAN's guarantee, scan.ts), and sees a key added meanwhile if it lands in a slot the iterator
 * has not passed. Unlike a Map, a new key may take an old hole, so the order is not insertion order.
 */
import { randomBytes } from 'node:crypto';

/** Per-process seed, so the slot a key takes cannot be known in advance (no crafted collisions). */
const SEED = randomBytes(4).readInt32LE(0);

/** A 32-bit hash of the whole key: seeded FNV-1a, then murmur3's finaliser to mix every bit in. */
export function keyHash(key: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * Entries drawn at random (PartitionedMap.randomEntries) into arrays the caller keeps and reuses, so
 * drawing allocates nothing. `access[i]` is the entry's access number, -1 when it has none.
 */
export interface EntrySample<V> {
  count: number;
  readonly keys: string[];
  readonly values: V[];
  readonly access: number[];
}

/** Fibonacci hashing: the index slot is the top bits of hash × 2^32/φ (all of the hash's bits count). */
const GOLDEN = 0x9e3779b1 | 0;
const MIN_INDEX_BITS = 3;
/** A table of at least this many slots shrinks when fewer than a quarter of them are live. */
const MIN_SHRINK_SLOTS = 64;

/**
 * One layout of the dense arrays. When the entries are packed, the old epoch records where the holes
 * were and links to the new one; iterators holding the old epoch follow the chain.
 */
interface Epoch {
  next: Epoch | undefined;
  /** Slots that were holes when the entries were packed (ascending); undefined: cleared (start again at 0). */
  holes: Int32Array | undefined;
}

export class DenseTable<V> implements Map<string, V> {
  private keyAt: (string | undefined)[] = [];
  private valueAt: (V | undefined)[] = [];
  /** The key's hash at a live slot; at a hole, the next hole of the free list (-1 ends it). */
  private hashAt = new Int32Array(0);
  private accessAt: Uint32Array | undefined;
  private index = new Int32Array(1 << MIN_INDEX_BITS);
  private shift = 32 - MIN_INDEX_BITS;
  /** Dense slots handed out (live and holes). */
  private used = 0;
  private count = 0;
  private freeHead = -1;
  private epoch: Epoch = { next: undefined, holes: undefined };

  get size(): number {
    return this.count;
  }

  /** Dense slots in use, live or holes (for tests: churn must not grow it). */
  get slotCount(): number {
    return this.used;
  }

  get(key: string): V | undefined {
    return this.getHashed(key, keyHash(key));
  }

  has(key: string): boolean {
    return this.find(key, keyHash(key)) >= 0;
  }

  set(key: string, value: V): this {
    this.setHashed(key, keyHash(key), value);
    return this;
  }

  delete(key: string): boolean {
    return this.deleteHashed(key, keyHash(key));
  }

  /** get() with the key's hash (keyHash) already known. */
  getHashed(key: string, hash: number): V | undefined {
    const slot = this.find(key, hash);
    return slot < 0 ? undefined : this.valueAt[slot];
  }

  /** has() with the key's hash already known. */
  hasHashed(key: string, hash: number): boolean {
    return this.find(key, hash) >= 0;
  }

  /** set() with the key's hash already known; true when the key is new. */
  setHashed(key: string, hash: number, value: V): boolean {
    const index = this.index;
    const mask = index.length - 1;
    let i = Math.imul(hash, GOLDEN) >>> this.shift;
    for (; ; i = (i + 1) & mask) {
      const e = index[i] as number;
      if (e === 0) break;
      if (this.hashAt[e - 1] === hash && this.keyAt[e - 1] === key) {
        this.valueAt[e - 1] = value;
        return false;
      }
    }
    const slot = this.takeSlot();
    this.keyAt[slot] = key;
    this.valueAt[slot] = value;
    this.hashAt[slot] = hash;
    if (this.accessAt !== undefined) this.accessAt[slot] = 0;
    index[i] = slot + 1;
    this.count++;
    if (this.count * 2 > index.length) this.rebuildIndex();
    return true;
  }

  /** delete() with the key's hash already known. */
  deleteHashed(key: string, hash: number): boolean {
    const index = this.index;
    const mask = index.length - 1;
    for (let i = Math.imul(hash, GOLDEN) >>> this.shift; ; i = (i + 1) & mask) {
      const e = index[i] as number;
      if (e === 0) return false;
      if (this.hashAt[e - 1] !== hash || this.keyAt[e - 1] !== key) continue;
      this.closeGap(i);
      const slot = e - 1;
      this.keyAt[slot] = undefined;
      this.valueAt[slot] = undefined;
      this.hashAt[slot] = this.freeHead;
      this.freeHead = slot;
      this.count--;
      if (this.count * 4 < this.used && this.used >= MIN_SHRINK_SLOTS) this.pack();
      return true;
    }
  }

  /**
   * Adds the entry at slot floor(`random` × slots in use), `random` in [0, 1), to `sample` and returns
   * true; false when that slot is a hole. Once a table has 64 slots, at least a quarter of them are
   * live (it packs below that). No lookup: the key, value and access number are read at the slot.
   */
  drawInto(random: number, sample: EntrySample<V>): boolean {
    const slot = Math.floor(random * this.used);
    const key = this.keyAt[slot];
    if (key === undefined) return false;
    sample.keys[sample.count] = key;
    sample.values[sample.count] = this.valueAt[slot] as V;
    sample.access[sample.count++] = this.accessAt === undefined ? -1 : (this.accessAt[slot] as number) - 1;
    return true;
  }

  /** The key's access number (its LRU clock or LFU counter, eviction.ts), or undefined if never set. */
  accessOf(key: string, hash: number): number | undefined {
    const slot = this.find(key, hash);
    const n = slot < 0 || this.accessAt === undefined ? 0 : (this.accessAt[slot] as number);
    return n === 0 ? undefined : n - 1;
  }

  /** Sets the key's access number (0 to 2^32 - 2); false when the key is not in the table. */
  setAccess(key: string, hash: number, n: number): boolean {
    const slot = this.find(key, hash);
    if (slot < 0) return false;
    if (this.accessAt === undefined) this.accessAt = new Uint32Array(this.hashAt.length);
    this.accessAt[slot] = n + 1;
    return true;
  }

  clear(): void {
    this.epoch = this.epoch.next = { next: undefined, holes: undefined };
    this.keyAt = [];
    this.valueAt = [];
    this.hashAt = new Int32Array(0);
    this.accessAt = undefined;
    this.used = 0;
    this.count = 0;
    this.freeHead = -1;
    this.rebuildIndex();
  }

  /** Visits the entries in slot order; an entry added during the call is visited if it lands ahead. */
  forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    let epoch = this.epoch;
    for (let slot = 0; ; slot++) {
      if (epoch.next !== undefined) [epoch, slot] = follow(epoch, slot);
      if (slot >= this.used) return;
      const key = this.keyAt[slot];
      if (key !== undefined) callback.call(thisArg, this.valueAt[slot] as V, key, this);
    }
  }

  keys(): MapIterator<string> {
    return this.walk((slot) => this.keyAt[slot] as string);
  }

  values(): MapIterator<V> {
    return this.walk((slot) => this.valueAt[slot] as V);
  }

  entries(): MapIterator<[string, V]> {
    return this.walk((slot): [string, V] => [this.keyAt[slot] as string, this.valueAt[slot] as V]);
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'DenseTable';
  }

  private *walk<R>(pick: (slot: number) => R): Generator<R, undefined, unknown> {
    let epoch = this.epoch;
    for (let slot = 0; ; slot++) {
      if (epoch.next !== undefined) [epoch, slot] = follow(epoch, slot);
      if (slot >= this.used) return undefined;
      if (this.keyAt[slot] !== undefined) yield pick(slot);
    }
  }

  /**
   * Empties index slot `gap`, moving back each later entry of the probe run whose home slot is not
   * between the gap and itself (it would no longer be found past an empty slot otherwise).
   */
  private closeGap(gap: number): void {
    const index = this.index;
    const mask = index.length - 1;
    let hole = gap;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const e = index[j] as number;
      if (e === 0) break;
      const home = Math.imul(this.hashAt[e - 1] as number, GOLDEN) >>> this.shift;
      // Cyclic distances: the entry may move if its home is no further from it than the hole is.
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        index[hole] = e;
        hole = j;
      }
    }
    index[hole] = 0;
  }

  /** The key's dense slot, or -1. */
  private find(key: string, hash: number): number {
    const index = this.index;
    const mask = index.length - 1;
    for (let i = Math.imul(hash, GOLDEN) >>> this.shift; ; i = (i + 1) & mask) {
      const e = index[i] as number;
      if (e === 0) return -1;
      if (this.hashAt[e - 1] === hash && this.keyAt[e - 1] === key) return e - 1;
    }
  }

  /** A dense slot for a new entry: the newest hole, else one past the end (growing the typed arrays). */
  private takeSlot(): number {
    const hole = this.freeHead;
    if (hole >= 0) {
      this.freeHead = this.hashAt[hole] as number;
      return hole;
    }
    const slot = this.used++;
    if (slot >= this.hashAt.length) this.growTyped(Math.max(8, slot + (slot >> 1)));
    return slot;
  }

  private growTyped(length: number): void {
    const hashes = new Int32Array(length);
    hashes.set(this.hashAt.subarray(0, this.used));
    this.hashAt = hashes;
    if (this.accessAt !== undefined) {
      const access = new Uint32Array(length);
      access.set(this.accessAt.subarray(0, this.used));
      this.accessAt = access;
    }
  }

  /** A fresh index for the live entries, at a size they fill 1/4 to 1/2 of. */
  private rebuildIndex(): void {
    let bits = MIN_INDEX_BITS;
    while (1 << bits < 2 * this.count) bits++;
    const index = new Int32Array(1 << bits);
    const mask = index.length - 1;
    const shift = 32 - bits;
    for (let slot = 0; slot < this.used; slot++) {
      if (this.keyAt[slot] === undefined) continue;
      let i = Math.imul(this.hashAt[slot] as number, GOLDEN) >>> shift;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = slot + 1;
    }
    this.index = index;
    this.shift = shift;
  }

  /** Moves the live entries, in order, to the front of new, smaller arrays (iterators follow, see Epoch). */
  private pack(): void {
    const keys: (string | undefined)[] = [];
    const values: (V | undefined)[] = [];
    const room = Math.max(8, this.count + (this.count >> 1));
    const hashes = new Int32Array(room);
    const access = this.accessAt === undefined ? undefined : new Uint32Array(room);
    const holes = new Int32Array(this.used - this.count);
    let h = 0;
    for (let slot = 0; slot < this.used; slot++) {
      const key = this.keyAt[slot];
      if (key === undefined) {
        holes[h++] = slot;
        continue;
      }
      if (access !== undefined) access[keys.length] = (this.accessAt as Uint32Array)[slot] as number;
      hashes[keys.length] = this.hashAt[slot] as number;
      keys.push(key);
      values.push(this.valueAt[slot]);
    }
    this.epoch.holes = holes;
    this.epoch = this.epoch.next = { next: undefined, holes: undefined };
    this.keyAt = keys;
    this.valueAt = values;
    this.hashAt = hashes;
    this.accessAt = access;
    this.used = keys.length;
    this.freeHead = -1;
    this.rebuildIndex();
  }
}

/**
 * Where an iterator's next slot (`slot`, in layout `epoch`) is in the table's current layout: each
 * packing since moved it back by the number of holes below it; a clear() starts it again at 0.
 */
function follow(epoch: Epoch, slot: number): [Epoch, number] {
  let e = epoch;
  let s = slot;
  while (e.next !== undefined) {
    s = e.holes === undefined ? 0 : s - holesBelow(e.holes, s);
    e = e.next;
  }
  return [e, s];
}

/** How many of the ascending `holes` are below `slot`. */
function holesBelow(holes: Int32Array, slot: number): number {
  let lo = 0;
  let hi = holes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((holes[mid] as number) < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
