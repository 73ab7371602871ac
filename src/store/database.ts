import { BigSet } from './big-map.js';
import { PartitionedMap } from './partitioned-map.js';
import type { EntrySample } from './dense-table.js';
import { EXPIRE_ENTRY_BYTES, keyAccountBytes } from './alloc-model.js';
import { valueAccountBytes } from './memory.js';
import { ScanCursors } from './scan.js';
import type { Value } from './types.js';

/**
 * What the keyspace tells the rest of the server. The server wires these to WATCH, blocked clients and
 * replication/AOF propagation of expiries; a snapshot (BGSAVE, AOF rewrite, full sync) registers its
 * own observer for copy-on-write. Any number of observers may be registered (Keyspace.addObserver);
 * each is told in registration order.
 *
 * The snapshot contract — an observer is told BEFORE the keyspace changes, so it can keep the old state:
 * - `beforeWrite(db, key)` before a key's value or TTL is created, changed in place, replaced or
 *   deleted, whatever the cause: a command (SET, APPEND, MOVE and RENAME on both keys, …), lazy expiry
 *   on access, the active expiry cycle, eviction. During the call the key still holds its old value
 *   and TTL (readable with `peek` / `getExpire`).
 * - `beforeFlush(db)` before FLUSHDB / FLUSHALL empty a database. The database then starts over with
 *   new, empty tables and never touches the old ones again: an iteration begun before
 *   (`entriesWithExpiry()`) goes on over the old contents undisturbed. No beforeWrite per key.
 * - `beforeSwap(a, b)` before SWAPDB exchanges two databases' tables. Tables move whole, untouched:
 *   an iteration begun over `a` goes on over a's old contents, and from then on a beforeWrite for `b`
 *   concerns those same tables (and one for `a` the tables that were b's).
 */
export interface KeyspaceObserver {
  /** Called before a key's value or TTL is changed, replaced or deleted (Redis: before the write). Snapshots copy here. */
  beforeWrite?(db: number, key: string): void;
  /** Called before every key of the database is dropped at once (FLUSHDB, FLUSHALL). */
  beforeFlush?(db: number): void;
  /** Called before two databases exchange their contents (SWAPDB). */
  beforeSwap?(a: number, b: number): void;
  /** A key's value or existence changed (Redis signalModifiedKey): invalidates WATCH. */
  keyModified?(db: number, key: string): void;
  /** A list or zset key came into existence: clients blocked on it may be served (Redis signalKeyAsReady). */
  keyReady?(db: number, key: string): void;
  /** A read lookup found no key (Redis lookupKeyRead's miss): the `keymiss` keyspace event. */
  keyMissed?(db: number, key: string): void;
  /** A key came into existence (Redis dbAdd): the `new` keyspace event. */
  keyAdded?(db: number, key: string): void;
  /** A key was removed because its TTL passed; masters propagate a DEL. */
  keyExpired?(db: number, key: string): void;
}

/**
 * One numbered database: the key → value map and the key → expiry map (absolute unix ms),
 * like Redis's `dict` and `expires`.
 *
 * Contract for commands: read through lookupRead(); before mutating a value in place call
 * lookupWrite() (it is what lets a running snapshot copy the old value first); create keys with add(),
 * replace with overwrite(), remove with delete(). Every one of them applies lazy expiry.
 */
/** The text of Redis's shared integer objects (OBJ_SHARED_INTEGERS: 0..9999, canonical decimal). */
const SHARED_INTEGER = /^(?:0|[1-9][0-9]{0,3})$/;

export class Database {
  /**
   * Reassigned only by swapWith (SWAPDB) and clear (FLUSH), never emptied in place; everything else
   * mutates through the methods below. Nothing outside this class reads them: iterate with keys(),
   * keyValues(), volatileKeys(), expiryEntries() or entriesWithExpiry().
   */
  private entries = new PartitionedMap<Value>();
  private expires = new PartitionedMap<number>();
  /**
   * Keys whose string was changed in place (APPEND, SETRANGE, SETBIT, BITFIELD, BITOP), which Redis
   * then reports as `raw` in OBJECT ENCODING whatever their content. Any replacement or removal of the
   * key forgets the mark. Absent until first used, so plain SET/GET workloads pay nothing.
   */
  private rawStrings: BigSet<string> | undefined;
  /**
   * Keys holding a small integer (0..9999) stored while Redis would not share integer objects (a
   * maxmemory with an LRU/LFU policy: each value needs its own access time), so OBJECT REFCOUNT says 1
   * rather than the shared object's count. Absent until first used, like rawStrings.
   */
  private unsharedIntegers: BigSet<string> | undefined;
  /** Whether a small integer stored now is Redis's shared object; the server sets it from maxmemory. */
  shareIntegers = true;
  /** RANDOMKEY's draw (reused: no allocation per call). */
  private readonly randomDraw: EntrySample<Value> = { count: 0, keys: [], values: [], access: [] };
  /**
   * What this database's keys cost in the keyspace's byte count (memory.ts: Redis 7.0's allocations
   * for the same data): kept up to date by every write below, so INFO used_memory and maxmemory read
   * the data, not V8's heap (which holds garbage until it is collected). A value handed out by
   * lookupWrite (or just stored by add/setValue) is changed in place afterwards, so the last
   * PENDING_VALUES such values are remembered with their bytes as last measured, and re-measured
   * (O(1): collections keep their own totals) whenever the count is read or changes. A command may
   * look up several keys before changing them (SMOVE, LMOVE): each stays watched until PENDING_VALUES
   * newer ones replace it or its key goes.
   */
  private bytes = 0;
  private readonly pendingValues: Value[] = [];
  private readonly pendingBytes: number[] = [];
  /** When true (a replica), expired keys read as absent but are not deleted: the master sends DEL. */
  expiryIsMasterDriven = false;
  /**
   * While a command of the master's stream runs on a replica: no key counts as expired (Redis
   * expireIfNeeded returns 0 when the current client is the master), so the stream does what it did
   * on the master whatever the replica's clock says.
   */
  applyingMasterStream = false;

  constructor(
    readonly index: number,
    /**
     * The observers' one entry point, set by the Keyspace: the only registered observer itself (the
     * hot path pays one optional call per write, as with no list at all), or a fan-out over several.
     */
    private observer: KeyspaceObserver,
    /** INFO keyspace_hits / keyspace_misses, shared by the keyspace's databases. */
    private readonly lookups: LookupStats = { hits: 0, misses: 0 },
  ) {}

  /** Should be called by the Keyspace only, when its observers change. */
  setObserver(observer: KeyspaceObserver): void {
    this.observer = observer;
  }

  get size(): number {
    return this.entries.size;
  }

  /** This database's part of the keyspace's byte count (INFO used_memory_dataset, maxmemory). */
  get usedBytes(): number {
    this.settle();
    return this.bytes;
  }

  /** Re-measures the watched values (they stay watched). */
  private settle(): void {
    const n = this.pendingValues.length;
    for (let i = 0; i < n; i++) {
      const now = valueAccountBytes(this.pendingValues[i] as Value);
      this.bytes += now - (this.pendingBytes[i] as number);
      this.pendingBytes[i] = now;
    }
  }

  /** Stops watching a value whose key is gone (after a settle). */
  private unwatch(value: Value): void {
    const i = this.pendingValues.indexOf(value);
    if (i < 0) return;
    this.pendingValues.splice(i, 1);
    this.pendingBytes.splice(i, 1);
  }

  /**
   * A value stored by add/setValue may still be filled in place by the command that made it (a new
   * hash gets its fields after add): re-measure it at the next settle, like a lookupWrite. Bare
   * strings are immutable and skip this.
   */
  private watchInPlace(value: Value): void {
    if (typeof value === 'string' || this.pendingValues.includes(value)) return;
    if (this.pendingValues.length >= PENDING_VALUES) {
      this.settle();
      this.pendingValues.shift();
      this.pendingBytes.shift();
    }
    this.pendingValues.push(value);
    this.pendingBytes.push(valueAccountBytes(value));
  }

  /** The bytes a stored key and its value count for (its TTL entry aside). */
  private entryBytes(key: string, value: Value): number {
    return keyAccountBytes(key) + valueAccountBytes(value);
  }

  /** Number of keys with a TTL (INFO keyspace `expires=`). */
  get volatileCount(): number {
    return this.expires.size;
  }

  /** The key's value as stored: no lazy expiry, no observer call (snapshots, tests, memory estimates). */
  peek(key: string): Value | undefined {
    return this.entries.get(key);
  }

  /** True when the key is stored, expired or not (no lazy expiry). */
  contains(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Every stored key, expired ones included, in the key table's order (partitioned-map.ts: by hash
   * partition, then insertion). The iterator is live (it skips deleted keys, sees most keys added
   * after it started, and visits every key present throughout exactly once) and survives changes;
   * after a FLUSH or SWAPDB it goes on over the tables it started on.
   */
  keys(): MapIterator<string> {
    return this.entries.keys();
  }

  /**
   * (key, value) of every stored key, live like keys(): a snapshot lists each value with its key, so
   * it need not look the key up again to write it.
   */
  keyValues(): MapIterator<[string, Value]> {
    return this.entries.entries();
  }

  /**
   * The keyspace's tables (PartitionedMap.tables): a live view for a walk that lists a table at a time.
   * Iterating one of them while the keyspace changes is a DenseTable's live iteration: its keys() and
   * values() iterators, advanced in lockstep, visit the same entries in the same order whatever
   * changes between steps.
   */
  entryTables(): readonly (ReadonlyMap<string, Value> | undefined)[] {
    return this.entries.tables();
  }

  /** Every key with a TTL, live like keys(). */
  volatileKeys(): MapIterator<string> {
    return this.expires.keys();
  }

  /** (key, unix ms) of every key with a TTL, live like keys() (the active expiry cycle's cursor). */
  expiryEntries(): MapIterator<[string, number]> {
    return this.expires.entries();
  }

  /**
   * (key, value, expiry unix ms or undefined) of every stored key, expired ones included: what a
   * snapshot writes. Bound to the tables of the moment it is called (see the observer contract).
   */
  entriesWithExpiry(): Generator<readonly [string, Value, number | undefined], void, undefined> {
    return withExpiry(this.entries, this.expires);
  }

  /** Identity of the key table SCAN cursors are parked against (it changes on FLUSH and SWAPDB). */
  get scanSource(): object {
    return this.entries;
  }

  /**
   * Eviction's samples: `n` stored keys drawn at random (expired ones too) into `sample`, with their
   * values and access numbers (PartitionedMap.randomEntries); none when the database is empty.
   */
  sampleKeys(n: number, sample: EntrySample<Value>): void {
    this.entries.randomEntries(n, sample);
  }

  /** `n` keys with a TTL drawn at random into `sample`, with their expiry (unix ms) as the value. */
  sampleVolatileKeys(n: number, sample: EntrySample<number>): void {
    this.expires.randomEntries(n, sample);
  }

  /** The key's eviction access number (eviction.ts: LRU clock or LFU counter), undefined if none. */
  accessOf(key: string): number | undefined {
    return this.entries.accessOf(key);
  }

  /** Records the key's eviction access number (0 to 2^32 - 2); nothing when the key is not stored. */
  setAccess(key: string, n: number): void {
    this.entries.setAccess(key, n);
  }

  /** True when the key has a TTL in the past. */
  isExpired(key: string, now: number): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when <= now;
  }

  /**
   * Deletes the key if its TTL has passed (lazy expiry). Returns true if the key is logically gone.
   * On a replica (Redis 7.0 expireIfNeeded): the master's own commands see the key as present, other
   * clients see it gone without deleting it, unless `forceDelete` (a write on a writable replica).
   */
  expireIfNeeded(key: string, now: number, forceDelete = false): boolean {
    if (!this.isExpired(key, now)) return false;
    if (this.expiryIsMasterDriven) {
      if (this.applyingMasterStream) return false;
      if (!forceDelete) return true;
    }
    this.observer.beforeWrite?.(this.index, key);
    this.settle();
    const value = this.entries.get(key) as Value;
    this.unwatch(value);
    this.bytes -= this.entryBytes(key, value) + EXPIRE_ENTRY_BYTES;
    this.entries.delete(key);
    this.expires.delete(key);
    this.rawStrings?.delete(key);
    this.unsharedIntegers?.delete(key);
    this.observer.keyModified?.(this.index, key);
    this.observer.keyExpired?.(this.index, key);
    return true;
  }

  /** A read lookup (Redis lookupKeyRead): lazy expiry, and a miss is announced (`keyMissed`). */
  lookupRead(key: string, now: number): Value | undefined {
    const value = this.lookupQuiet(key, now);
    if (value === undefined) {
      this.lookups.misses++;
      this.observer.keyMissed?.(this.index, key);
    } else this.lookups.hits++;
    return value;
  }

  /** Like lookupRead without announcing a miss (Redis LOOKUP_NONOTIFY: OBJECT, blocked-list checks). */
  lookupQuiet(key: string, now: number): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key, now)) return undefined;
    return this.entries.get(key);
  }

  /**
   * Like lookupRead, for a value the caller is about to mutate in place. A write on a writable
   * replica deletes the expired key it finds (Redis lookupKey's force_delete_expired), so the write
   * starts from an absent key; a read-only replica never gets here from a normal client.
   */
  lookupWrite(key: string, now: number): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key, now, true)) return undefined;
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.observer.beforeWrite?.(this.index, key);
      this.watchInPlace(value);
    }
    return value;
  }

  /** Creates a key that the caller knows is absent. */
  add(key: string, value: Value): void {
    this.observer.beforeWrite?.(this.index, key);
    this.entries.set(key, value);
    this.bytes += this.entryBytes(key, value);
    this.watchInPlace(value);
    if (!this.shareIntegers) this.noteUnsharedInteger(key, value);
    if (
      typeof value !== 'string' &&
      (value.type === 'list' || value.type === 'zset' || value.type === 'stream')
    ) {
      this.observer.keyReady?.(this.index, key);
    }
    this.observer.keyAdded?.(this.index, key);
  }

  /** Sets a key to a new value, creating it or replacing it. Drops the TTL unless keepTtl. */
  setValue(key: string, value: Value, keepTtl: boolean): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.observer.beforeWrite?.(this.index, key);
      this.settle();
      this.unwatch(old);
      this.entries.set(key, value);
      this.bytes += valueAccountBytes(value) - valueAccountBytes(old);
      this.watchInPlace(value);
      this.rawStrings?.delete(key);
      if (typeof old !== 'string' && old.type === 'stream') this.observer.keyReady?.(this.index, key);
      this.unsharedIntegers?.delete(key);
      if (!this.shareIntegers) this.noteUnsharedInteger(key, value);
    } else {
      this.add(key, value);
    }
    if (!keepTtl && this.expires.size !== 0 && this.expires.delete(key)) this.bytes -= EXPIRE_ENTRY_BYTES;
  }

  delete(key: string): boolean {
    const value = this.entries.get(key);
    if (value === undefined) return false;
    this.observer.beforeWrite?.(this.index, key);
    this.settle();
    this.unwatch(value);
    this.bytes -= this.entryBytes(key, value);
    this.entries.delete(key);
    if (this.expires.size !== 0 && this.expires.delete(key)) this.bytes -= EXPIRE_ENTRY_BYTES;
    this.rawStrings?.delete(key);
    this.unsharedIntegers?.delete(key);
    // Redis signalDeletedKeyAsReady: a reader blocked on a stream learns that it went away.
    if (typeof value !== 'string' && value.type === 'stream') this.observer.keyReady?.(this.index, key);
    return true;
  }

  private noteUnsharedInteger(key: string, value: Value): void {
    if (typeof value !== 'string' || !SHARED_INTEGER.test(value)) return;
    this.unsharedIntegers ??= new BigSet();
    this.unsharedIntegers.add(key);
  }

  /** The key holds a small integer that is not Redis's shared object (see unsharedIntegers). */
  isUnsharedInteger(key: string): boolean {
    return this.unsharedIntegers?.has(key) === true;
  }

  /**
   * A key chosen at random, each about as likely (expired ones included: RANDOMKEY decides what to
   * do with them), or undefined when the database is empty: PartitionedMap.randomEntries, O(1) on a
   * big database, a walk of at most 1024 keys on a small one.
   */
  randomKey(): string | undefined {
    if (this.entries.size === 0) return undefined;
    this.entries.randomEntries(1, this.randomDraw);
    const key = this.randomDraw.count === 0 ? undefined : this.randomDraw.keys[0];
    this.randomDraw.values.length = 0;
    return key;
  }

  /** Marks the string at `key` as changed in place (OBJECT ENCODING then says raw). */
  markRawString(key: string): void {
    this.rawStrings ??= new BigSet();
    this.rawStrings.add(key);
  }

  isRawString(key: string): boolean {
    return this.rawStrings?.has(key) === true;
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpire(key: string, whenMs: number): void {
    this.observer.beforeWrite?.(this.index, key);
    if (!this.expires.has(key)) this.bytes += EXPIRE_ENTRY_BYTES;
    this.expires.set(key, whenMs);
  }

  removeExpire(key: string): boolean {
    if (!this.expires.has(key)) return false;
    this.observer.beforeWrite?.(this.index, key);
    this.bytes -= EXPIRE_ENTRY_BYTES;
    return this.expires.delete(key);
  }

  /**
   * Redis signalKeyAsReady for a key that already existed (XADD to a stream, XGROUP CREATE/SETID):
   * clients blocked on it are retried. add() signals new list, zset and stream keys itself.
   */
  signalReady(key: string): void {
    this.observer.keyReady?.(this.index, key);
  }

  /** Redis signalModifiedKey: commands call it after any change to a key, through the context. */
  signalModified(key: string): void {
    this.observer.keyModified?.(this.index, key);
  }

  /**
   * SWAPDB: exchanges the contents of two databases, so clients selected on one see the other's keys.
   * List and zset keys are signalled ready on both sides, for clients blocked on them.
   */
  swapWith(other: Database): void {
    this.observer.beforeSwap?.(this.index, other.index);
    this.settle();
    other.settle();
    [this.bytes, other.bytes] = [other.bytes, this.bytes];
    this.pendingValues.length = this.pendingBytes.length = 0;
    other.pendingValues.length = other.pendingBytes.length = 0;
    [this.entries, other.entries] = [other.entries, this.entries];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.rawStrings, other.rawStrings] = [other.rawStrings, this.rawStrings];
    [this.unsharedIntegers, other.unsharedIntegers] = [other.unsharedIntegers, this.unsharedIntegers];
    for (const db of [this, other]) {
      for (const [key, value] of db.entries) {
        if (
          typeof value !== 'string' &&
          (value.type === 'list' || value.type === 'zset' || value.type === 'stream')
        ) {
          db.observer.keyReady?.(db.index, key);
        }
      }
    }
  }

  /** FLUSHDB: drops every key. The old tables are left as they are to whoever still iterates them. */
  clear(): void {
    this.observer.beforeFlush?.(this.index);
    this.pendingValues.length = 0;
    this.pendingBytes.length = 0;
    this.bytes = 0;
    this.entries = new PartitionedMap();
    this.expires = new PartitionedMap();
    this.rawStrings = undefined;
    this.unsharedIntegers = undefined;
  }
}

/** How many values changed in place a database keeps watching for its byte count (see `bytes`). */
const PENDING_VALUES = 8;

/** The tables are taken when the iteration is asked for, not at its first step (generators start late). */
function* withExpiry(
  entries: ReadonlyMap<string, Value>,
  expires: ReadonlyMap<string, number>,
): Generator<readonly [string, Value, number | undefined], void, undefined> {
  for (const [key, value] of entries) yield [key, value, expires.get(key)];
}

/** One entry point for several observers: each notification goes to every observer that has it. */
function fanOut(observers: readonly KeyspaceObserver[]): KeyspaceObserver {
  if (observers.length === 1) return observers[0] as KeyspaceObserver;
  const having = <K extends keyof KeyspaceObserver>(name: K): KeyspaceObserver[] =>
    observers.filter((o) => o[name] !== undefined);
  const out: KeyspaceObserver = {};
  // Only the notifications someone listens to are defined, so the others stay a skipped `?.()`.
  // The per-write notifications go straight to their observer when only one listens (the eviction's
  // observer listens to flushes only, and is always there).
  const beforeWrite = having('beforeWrite');
  const [onlyWriter] = beforeWrite;
  if (beforeWrite.length === 1 && onlyWriter?.beforeWrite !== undefined)
    out.beforeWrite = onlyWriter.beforeWrite.bind(onlyWriter);
  else if (beforeWrite.length > 0)
    out.beforeWrite = (db, key) => beforeWrite.forEach((o) => o.beforeWrite?.(db, key));
  const beforeFlush = having('beforeFlush');
  if (beforeFlush.length > 0) out.beforeFlush = (db) => beforeFlush.forEach((o) => o.beforeFlush?.(db));
  const beforeSwap = having('beforeSwap');
  if (beforeSwap.length > 0) out.beforeSwap = (a, b) => beforeSwap.forEach((o) => o.beforeSwap?.(a, b));
  const keyModified = having('keyModified');
  const [onlyModified] = keyModified;
  if (keyModified.length === 1 && onlyModified?.keyModified !== undefined)
    out.keyModified = onlyModified.keyModified.bind(onlyModified);
  else if (keyModified.length > 0)
    out.keyModified = (db, key) => keyModified.forEach((o) => o.keyModified?.(db, key));
  const keyReady = having('keyReady');
  if (keyReady.length > 0) out.keyReady = (db, key) => keyReady.forEach((o) => o.keyReady?.(db, key));
  const keyExpired = having('keyExpired');
  if (keyExpired.length > 0) out.keyExpired = (db, key) => keyExpired.forEach((o) => o.keyExpired?.(db, key));
  const keyMissed = having('keyMissed');
  if (keyMissed.length > 0) out.keyMissed = (db, key) => keyMissed.forEach((o) => o.keyMissed?.(db, key));
  const keyAdded = having('keyAdded');
  if (keyAdded.length > 0) out.keyAdded = (db, key) => keyAdded.forEach((o) => o.keyAdded?.(db, key));
  return out;
}

/** All databases of a server (`databases` directive, 16 by default). */
/** Redis stat_keyspace_hits / stat_keyspace_misses: read lookups that found a key, or none. */
export interface LookupStats {
  hits: number;
  misses: number;
}

export class Keyspace {
  readonly databases: readonly Database[];
  /** Counted by every database's lookupRead (INFO stats; CONFIG RESETSTAT zeroes them). */
  readonly lookups: LookupStats = { hits: 0, misses: 0 };
  /** Parked SCAN/HSCAN/SSCAN/ZSCAN iterations of this server (see scan.ts). */
  readonly scanCursors = new ScanCursors();
  private observers: readonly KeyspaceObserver[];

  /** `observer`: the server's own (WATCH, blocked clients, expiry propagation); more may be added. */
  constructor(count: number, observer: KeyspaceObserver = {}) {
    this.observers = [observer];
    this.databases = Array.from({ length: count }, (_, i) => new Database(i, observer, this.lookups));
  }

  /** Registers another observer (a snapshot starting); it is told of every change from now on. */
  addObserver(observer: KeyspaceObserver): void {
    this.setObservers([...this.observers, observer]);
  }

  /** Unregisters an observer (a snapshot done); unknown ones are ignored. */
  removeObserver(observer: KeyspaceObserver): void {
    this.setObservers(this.observers.filter((o) => o !== observer));
  }

  private setObservers(observers: readonly KeyspaceObserver[]): void {
    this.observers = observers;
    const entry = observers.length === 0 ? {} : fanOut(observers);
    for (const db of this.databases) db.setObserver(entry);
  }
  /** Brackets a command of the master's stream on a replica (see Database.applyingMasterStream). */
  setApplyingMasterStream(on: boolean): void {
    for (const db of this.databases) db.applyingMasterStream = on;
  }

  /**
   * Redis shares small integer objects unless maxmemory is set with an LRU/LFU policy; values stored
   * while `on` is false are their own objects (OBJECT REFCOUNT 1) for as long as they are kept.
   */
  setShareIntegers(on: boolean): void {
    for (const db of this.databases) db.shareIntegers = on;
  }

  db(index: number): Database {
    const db = this.databases[index];
    if (db === undefined) throw new RangeError(`no database ${index}`);
    return db;
  }
}
