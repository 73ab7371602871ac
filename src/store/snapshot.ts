/**
 * A point-in-time view of the whole keyspace that stays valid while clients keep writing: the
 * fork-less snapshot behind BGSAVE. It registers itself as a KeyspaceObserver at once; the first
 * change of a key after that copies its old value and TTL (beforeWrite, while the old state is still
 * readable). Reading the view yields every key as it was at the start: the copy when the key changed
 * since, else the stored value, unchanged by construction.
 *
 * The key lists are built in bounded slices (prepare()), so a big keyspace costs no pause at the
 * start: keys are listed from the live tables while writes go on, and a key written during the
 * listing is then taken from its copy (listed once, and only if it existed at the start).
 *
 * Each key is listed with its value: a key not written since the start still holds that very value
 * (any change, in place or not, copies it first), so reading the view costs no lookup of the key in
 * the live table; only its TTL is looked up, and only in a database that had TTLs at the start.
 *
 * SWAPDB moves tables whole: the view follows the tables to their new index (beforeSwap). FLUSHDB
 * drops a database's tables: the keys the reader has not reached yet are kept first (beforeFlush; no
 * copy is needed, nothing touches dropped tables again). Memory: one reference per key for the key
 * lists, plus a copy of each key written during the snapshot.
 */
import { cloneValue } from './clone.js';
import type { Keyspace, KeyspaceObserver } from './database.js';
import type { Value } from './types.js';

interface Kept {
  /** undefined: the key did not exist at the start. */
  readonly value: Value | undefined;
  readonly expireMs: number | undefined;
}

interface DatabaseView {
  readonly index: number;
  keys: ChunkList<string>;
  /** values.at(i) is keys.at(i)'s value when it was listed (its value at the start unless it is in `kept`). */
  values: ChunkList<Value>;
  readonly kept: Map<string, Kept>;
  readonly expiresAtStart: number;
  /** The index whose tables are this view's now (SWAPDB moves them); undefined once flushed. */
  holder: number | undefined;
  /** Position of the next key the reader will ask for (entryAt is called in order). */
  next: number;
  /** Where the listing of the live tables is, while it runs. */
  listing: Listing | undefined;
  /** Keys first written while the listing ran: taken out of the list, then appended once if they existed. */
  readonly touched: Set<string>;
  /** Where the filtering of `touched` keys out of the list has got to (-1: not started). */
  filtered: number;
  filteredKeys: ChunkList<string>;
  filteredValues: ChunkList<Value>;
  ready: boolean;
}

/**
 * The listing's place: the database's tables (a live view, Database.entryTables), the next one to
 * list, and within a big one its key and value iterators, advanced in lockstep.
 */
interface Listing {
  readonly tables: readonly (ReadonlyMap<string, Value> | undefined)[];
  next: number;
  keys: Iterator<string> | undefined;
  values: Iterator<Value> | undefined;
}

/** One key of the view. */
export type SnapshotEntry = readonly [key: string, value: Value, expireMs: number | undefined];

/** Keys handled per check of the clock while preparing. */
const PREPARE_BATCH = 1024;
/**
 * A table of at most this many keys is listed whole, with its native forEach (~50 µs for 4,000 keys:
 * a million keys are 256 tables of ~4,000); a bigger one a batch at a time through its iterators.
 * Each step of an iterator allocates its result object: listing a million keys through the keyspace's
 * generators was ~170 MB of garbage, a dozen young-generation collections in the first 100 ms of a
 * BGSAVE, each holding the clients for 1-2 ms.
 */
const WHOLE_TABLE_KEYS = 8192;

/**
 * Items per chunk of a ChunkList: 256 KB of references, past V8's biggest regular object (128 KB), so a
 * chunk is born in the large-object space, which the young-generation collections never copy (chunks
 * born young were copied twice each, several ms per collection while a big keyspace was listed).
 */
const CHUNK_KEYS = 32768;

/**
 * A list of a database's keys (or their values), in fixed chunks: appending never copies what is there (a single
 * array of a million keys is copied whole, several ms at once, each time it grows).
 */
class ChunkList<T> {
  private readonly chunks: T[][] = [];
  private last: T[] = [];
  private lastLength = CHUNK_KEYS;
  length = 0;

  push(item: T): void {
    if (this.lastLength === CHUNK_KEYS) {
      this.last = new Array<T>(CHUNK_KEYS);
      this.chunks.push(this.last);
      this.lastLength = 0;
    }
    this.last[this.lastLength++] = item;
    this.length++;
  }

  /** The item at `i` (0 <= i < length). */
  at(i: number): T {
    return (this.chunks[Math.floor(i / CHUNK_KEYS)] as T[])[i % CHUNK_KEYS] as T;
  }
}

/**
 * Lists into `keys` and `values` the next table whole if it has at most `wholeTableKeys` keys, else
 * up to `batch` keys of it; false once every table is listed.
 */
function listSome(
  l: Listing,
  keys: ChunkList<string>,
  values: ChunkList<Value>,
  batch: number,
  wholeTableKeys: number,
): boolean {
  if (l.keys === undefined) {
    let table: ReadonlyMap<string, Value> | undefined;
    while (l.next < l.tables.length && (table = l.tables[l.next++]) === undefined);
    if (table === undefined) return false;
    if (table.size <= wholeTableKeys) {
      table.forEach((v, k) => {
        keys.push(k);
        values.push(v);
      });
      return true;
    }
    l.keys = table.keys();
    l.values = table.values();
  }
  for (let n = 0; n < batch; n++) {
    const r = l.keys.next();
    if (r.done === true) {
      l.keys = undefined;
      l.values = undefined;
      return true;
    }
    keys.push(r.value);
    values.push((l.values as Iterator<Value>).next().value as Value);
  }
  return true;
}

export class KeyspaceSnapshot {
  private readonly views: DatabaseView[];
  /** Database index → the view whose tables it holds now. */
  private readonly byHolder: (DatabaseView | undefined)[];
  private readonly observer: KeyspaceObserver;
  private released = false;

  /**
   * `wholeTableKeys`: the size up to which a table is listed whole (tests pass 0 to take the
   * iterator path, which big keyspaces take).
   */
  constructor(
    private readonly keyspace: Keyspace,
    private readonly wholeTableKeys = WHOLE_TABLE_KEYS,
  ) {
    this.views = keyspace.databases.map((db) => ({
      index: db.index,
      keys: new ChunkList<string>(),
      values: new ChunkList<Value>(),
      kept: new Map(),
      expiresAtStart: db.volatileCount,
      holder: db.index,
      next: 0,
      listing:
        db.size === 0 ? undefined : { tables: db.entryTables(), next: 0, keys: undefined, values: undefined },
      touched: new Set(),
      filtered: -1,
      filteredKeys: new ChunkList<string>(),
      filteredValues: new ChunkList<Value>(),
      ready: db.size === 0,
    }));
    this.byHolder = [...this.views];
    this.observer = {
      beforeWrite: (db, key) => this.keep(db, key),
      beforeSwap: (a, b) => {
        const va = this.byHolder[a];
        const vb = this.byHolder[b];
        this.byHolder[a] = vb;
        this.byHolder[b] = va;
        if (va !== undefined) va.holder = b;
        if (vb !== undefined) vb.holder = a;
      },
      beforeFlush: (db) => this.detach(db),
    };
    keyspace.addObserver(this.observer);
  }

  /**
   * Builds the key lists for up to `budgetMs` of wall clock; true once every list is complete (then
   * databases() and entryAt() may be used). Call again until it returns true.
   */
  prepare(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    for (const view of this.views) {
      while (!view.ready) {
        this.prepareBatch(view);
        if (performance.now() >= deadline) return this.views.every((v) => v.ready);
      }
    }
    return true;
  }

  private prepareBatch(view: DatabaseView): void {
    if (view.listing !== undefined) {
      if (listSome(view.listing, view.keys, view.values, PREPARE_BATCH, this.wholeTableKeys)) return;
      view.listing = undefined;
      if (view.touched.size === 0) view.ready = true;
      else view.filtered = 0;
      return;
    }
    // Filtering: the keys written during the listing leave the list (they may be there twice, or
    // not at all), then come back once from their copies if they existed at the start.
    const end = Math.min(view.keys.length, view.filtered + PREPARE_BATCH * 4);
    for (let i = view.filtered; i < end; i++) {
      const key = view.keys.at(i);
      if (view.touched.has(key)) continue;
      view.filteredKeys.push(key);
      view.filteredValues.push(view.values.at(i));
    }
    view.filtered = end;
    if (end < view.keys.length) return;
    for (const key of view.touched) {
      const value = view.kept.get(key)?.value;
      if (value === undefined) continue;
      view.filteredKeys.push(key);
      view.filteredValues.push(value);
    }
    view.keys = view.filteredKeys;
    view.values = view.filteredValues;
    view.filteredKeys = new ChunkList<string>();
    view.filteredValues = new ChunkList<Value>();
    view.touched.clear();
    view.ready = true;
  }

  /** The key's state before its first change since the start (cloned: the value is about to change). */
  private keep(dbIndex: number, key: string): void {
    const view = this.byHolder[dbIndex];
    if (view === undefined) return;
    if (view.listing !== undefined) view.touched.add(key);
    if (view.kept.has(key)) return;
    const db = this.keyspace.db(dbIndex);
    const value = db.peek(key);
    view.kept.set(key, {
      value: value === undefined ? undefined : cloneValue(value),
      expireMs: db.getExpire(key),
    });
  }

  /** FLUSHDB: keeps every key the reader has not reached yet, then stops following the tables. */
  private detach(dbIndex: number): void {
    const view = this.byHolder[dbIndex];
    if (view === undefined) return;
    const db = this.keyspace.db(dbIndex);
    // A listing in progress is finished now, while the tables are still there.
    if (view.listing !== undefined) {
      while (listSome(view.listing, view.keys, view.values, Infinity, this.wholeTableKeys));
      view.listing = undefined;
      view.filtered = view.touched.size === 0 ? -1 : 0;
      view.ready = view.touched.size === 0;
    }
    const from = view.ready ? view.next : 0;
    for (let i = from; i < view.keys.length; i++) {
      const key = view.keys.at(i);
      if (view.kept.has(key)) continue;
      view.kept.set(key, { value: view.values.at(i), expireMs: db.getExpire(key) });
    }
    view.holder = undefined;
    this.byHolder[dbIndex] = undefined;
  }

  /** Databases that had keys at the start, with their index, key count and TTL count then (after prepare). */
  databases(): readonly { readonly index: number; readonly size: number; readonly expires: number }[] {
    return this.views
      .filter((v) => v.keys.length > 0)
      .map((v) => ({ index: v.index, size: v.keys.length, expires: v.expiresAtStart }));
  }

  /** The key at `position` (asked in increasing order) of database `index` as it was at the start. */
  entryAt(index: number, position: number): SnapshotEntry | undefined {
    const value = this.valueAt(index, position);
    return value === undefined ? undefined : [this.readKey, value, this.readExpireMs];
  }

  /** The key valueAt last found, and its TTL then. */
  readKey = '';
  readExpireMs: number | undefined;

  /**
   * entryAt without building an entry (the snapshot writers read millions): the value, with its key
   * and TTL left in readKey / readExpireMs; undefined when the position holds no key of the view.
   */
  valueAt(index: number, position: number): Value | undefined {
    const view = this.views[index];
    if (view === undefined || position >= view.keys.length) return undefined;
    const key = view.keys.at(position);
    view.next = position + 1;
    const kept = view.kept.size === 0 ? undefined : view.kept.get(key);
    if (kept !== undefined) {
      if (kept.value === undefined) return undefined;
      this.readKey = key;
      this.readExpireMs = kept.expireMs;
      return kept.value;
    }
    // Not written since the start: the listed value is the value then, and the TTL unchanged.
    if (view.holder === undefined) return undefined;
    this.readKey = key;
    this.readExpireMs = view.expiresAtStart === 0 ? undefined : this.keyspace.db(view.holder).getExpire(key);
    return view.values.at(position);
  }

  /** Keys copied because they were written during the snapshot: what copy-on-write cost. */
  get copiedKeys(): number {
    return this.views.reduce((n, v) => n + v.kept.size, 0);
  }

  /** Ends the view: unregisters the observer and drops the copies. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.keyspace.removeObserver(this.observer);
    for (const v of this.views) v.kept.clear();
  }
}
