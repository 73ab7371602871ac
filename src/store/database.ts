import { KeySampler } from './key-sampler.js';
import { ScanCursors } from './scan.js';
import type { Value } from './types.js';

/**
 * What the keyspace tells the rest of the server. The server wires these to WATCH, blocked clients,
 * replication/AOF propagation of expiries, and snapshot copy-on-write.
 */
export interface KeyspaceObserver {
  /** Called before a key's value is changed, replaced or deleted (Redis: before the write). Snapshots copy here. */
  beforeWrite?(db: number, key: string): void;
  /** A key's value or existence changed (Redis signalModifiedKey): invalidates WATCH. */
  keyModified?(db: number, key: string): void;
  /** A list or zset key came into existence: clients blocked on it may be served (Redis signalKeyAsReady). */
  keyReady?(db: number, key: string): void;
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
export class Database {
  /** Reassigned only by swapWith (SWAPDB); everything else mutates through the methods below. */
  entries = new Map<string, Value>();
  expires = new Map<string, number>();
  /**
   * Keys whose string was changed in place (APPEND, SETRANGE, SETBIT, BITFIELD, BITOP), which Redis
   * then reports as `raw` in OBJECT ENCODING whatever their content. Any replacement or removal of the
   * key forgets the mark. Absent until first used, so plain SET/GET workloads pay nothing.
   */
  private rawStrings: Set<string> | undefined;
  /** RANDOMKEY's O(1) picker, built on the first randomKey() and kept in step with every add/remove. */
  private sampler: KeySampler | undefined;
  /** When true (a replica), expired keys read as absent but are not deleted: the master sends DEL. */
  expiryIsMasterDriven = false;

  constructor(
    readonly index: number,
    private readonly observer: KeyspaceObserver,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** True when the key has a TTL in the past. */
  isExpired(key: string, now: number): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when <= now;
  }

  /** Deletes the key if its TTL has passed (lazy expiry). Returns true if the key is logically gone. */
  expireIfNeeded(key: string, now: number): boolean {
    if (!this.isExpired(key, now)) return false;
    if (this.expiryIsMasterDriven) return true;
    this.observer.beforeWrite?.(this.index, key);
    this.entries.delete(key);
    this.expires.delete(key);
    this.rawStrings?.delete(key);
    this.sampler?.remove(key);
    this.observer.keyModified?.(this.index, key);
    this.observer.keyExpired?.(this.index, key);
    return true;
  }

  lookupRead(key: string, now: number): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key, now)) return undefined;
    return this.entries.get(key);
  }

  /** Like lookupRead, for a value the caller is about to mutate in place. */
  lookupWrite(key: string, now: number): Value | undefined {
    if (this.expires.size !== 0 && this.expireIfNeeded(key, now)) return undefined;
    const value = this.entries.get(key);
    if (value !== undefined) this.observer.beforeWrite?.(this.index, key);
    return value;
  }

  /** Creates a key that the caller knows is absent. */
  add(key: string, value: Value): void {
    this.observer.beforeWrite?.(this.index, key);
    this.entries.set(key, value);
    this.sampler?.add(key);
    if (typeof value !== 'string' && (value.type === 'list' || value.type === 'zset')) {
      this.observer.keyReady?.(this.index, key);
    }
  }

  /** Sets a key to a new value, creating it or replacing it. Drops the TTL unless keepTtl. */
  setValue(key: string, value: Value, keepTtl: boolean): void {
    const existed = this.entries.has(key);
    if (existed) {
      this.observer.beforeWrite?.(this.index, key);
      this.entries.set(key, value);
      this.rawStrings?.delete(key);
    } else {
      this.add(key, value);
    }
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  delete(key: string): boolean {
    if (!this.entries.has(key)) return false;
    this.observer.beforeWrite?.(this.index, key);
    this.entries.delete(key);
    this.expires.delete(key);
    this.rawStrings?.delete(key);
    this.sampler?.remove(key);
    return true;
  }

  /**
   * A key chosen uniformly at random (expired ones included: RANDOMKEY decides what to do with
   * them), or undefined when the database is empty. O(1) after the first call.
   */
  randomKey(): string | undefined {
    if (this.entries.size === 0) return undefined;
    this.sampler ??= new KeySampler(this.entries.keys());
    return this.sampler.pick();
  }

  /**
   * Every key with its value and TTL (absolute unix ms, or undefined), logically expired keys included:
   * what a snapshot (RDB save, DEBUG RELOAD) walks. Values must not be mutated through this.
   */
  *entriesWithExpiry(): IterableIterator<readonly [string, Value, number | undefined]> {
    const expires = this.expires;
    for (const [key, value] of this.entries)
      yield [key, value, expires.size === 0 ? undefined : expires.get(key)];
  }

  /** True when the key is present, expired or not (an RDB load checks for duplicates with it). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keys with a TTL (RDB RESIZEDB's second number). */
  get expiresCount(): number {
    return this.expires.size;
  }

  /** Marks the string at `key` as changed in place (OBJECT ENCODING then says raw). */
  markRawString(key: string): void {
    this.rawStrings ??= new Set();
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
    this.expires.set(key, whenMs);
  }

  removeExpire(key: string): boolean {
    if (!this.expires.has(key)) return false;
    this.observer.beforeWrite?.(this.index, key);
    return this.expires.delete(key);
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
    [this.entries, other.entries] = [other.entries, this.entries];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.rawStrings, other.rawStrings] = [other.rawStrings, this.rawStrings];
    [this.sampler, other.sampler] = [other.sampler, this.sampler];
    for (const db of [this, other]) {
      for (const [key, value] of db.entries) {
        if (typeof value !== 'string' && (value.type === 'list' || value.type === 'zset')) {
          db.observer.keyReady?.(db.index, key);
        }
      }
    }
  }

  clear(): void {
    for (const key of this.entries.keys()) this.observer.beforeWrite?.(this.index, key);
    this.entries.clear();
    this.expires.clear();
    this.rawStrings = undefined;
    this.sampler = undefined;
  }
}

/** All databases of a server (`databases` directive, 16 by default). */
export class Keyspace {
  readonly databases: Database[];
  /** Parked SCAN/HSCAN/SSCAN/ZSCAN iterations of this server (see scan.ts). */
  readonly scanCursors = new ScanCursors();
  constructor(count: number, observer: KeyspaceObserver) {
    this.databases = Array.from({ length: count }, (_, i) => new Database(i, observer));
  }
  db(index: number): Database {
    const db = this.databases[index];
    if (db === undefined) throw new RangeError(`no database ${index}`);
    return db;
  }
}
