/**
 * Loading an RDB image into the keyspace (rdbLoad): every key becomes a store value in the encoding
 * Redis 7.0 would hold it in after loading (encodings follow content and the limits in force, as
 * Redis converts on load). Streams are refused: this server has no stream type yet.
 */
import {
  Quicklist,
  SortedSet,
  newHashValue,
  newSetValue,
  setField,
  type Keyspace,
  type Value,
} from '../store/index.js';
import { RdbError } from './rdb/constants.js';
import { readRdb, type RdbSummary } from './rdb/reader.js';
import type { RdbValue } from './rdb/values.js';
import type { EncodingLimits } from './rdb/write-values.js';

export interface LoadOptions {
  readonly limits: EncodingLimits;
  /** Unix ms of the load: keys whose TTL passed before it are dropped when dropExpired. */
  readonly nowMs: number;
  /** A master drops keys already expired; a replica keeps them (its master will send DEL). */
  readonly dropExpired: boolean;
  /** DEBUG RELOAD MERGE (RDBFLAGS_ALLOW_DUP): a key already present is replaced instead of refused. */
  readonly replaceExisting?: boolean;
  /** Told a loaded key's IDLE / FREQ record (the LRU idle seconds / LFU counter saved with it). */
  readonly onAccessRecord?: (
    db: number,
    key: string,
    idleSeconds: number | undefined,
    freq: number | undefined,
  ) => void;
}

export interface LoadResult {
  readonly summary: RdbSummary;
  /** AUX fields (redis-ver, ctime, repl-id, repl-offset, aof-base, …) for the caller to use. */
  readonly aux: ReadonlyMap<string, string>;
  readonly keysLoaded: number;
  readonly keysExpired: number;
  /** The FUNCTION libraries' codes, in file order. */
  readonly functions: readonly string[];
}

/** A store value for a decoded RDB value, or undefined for an empty collection (Redis skips those). */
export function storeValueOf(v: RdbValue, limits: EncodingLimits): Value | undefined {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'list':
      return v.items.length === 0 ? undefined : { type: 'list', items: Quicklist.from(v.items) };
    case 'set':
      return v.members.length === 0 ? undefined : newSetValue(v.members);
    case 'hash': {
      if (v.fields.length === 0) return undefined;
      const hash = newHashValue();
      for (const [f, val] of v.fields) setField(hash, f, val);
      return hash;
    }
    case 'zset': {
      if (v.entries.length === 0) return undefined;
      const small =
        v.entries.length <= limits.zsetMaxListpackEntries &&
        v.entries.every(([m]) => m.length <= limits.zsetMaxListpackValue);
      const zset = new SortedSet(
        { maxListpackEntries: limits.zsetMaxListpackEntries, maxListpackValue: limits.zsetMaxListpackValue },
        small ? 'listpack' : 'skiplist',
      );
      for (const [m, s] of v.entries) zset.set(m, s);
      return { type: 'zset', zset };
    }
    case 'stream':
      throw new RdbError('streams are not supported by this server yet');
  }
}

/** Reads `file` into `keyspace` (which the caller has emptied). Throws RdbError naming what is wrong. */
export function loadRdb(file: Buffer, keyspace: Keyspace, options: LoadOptions): LoadResult {
  const aux = new Map<string, string>();
  let keysLoaded = 0;
  let keysExpired = 0;
  const functions: string[] = [];
  const summary = readRdb(file, {
    aux: (k, v) => aux.set(k, v),
    function: (code) => functions.push(code),
    selectDb: (db) => {
      if (db >= keyspace.databases.length) {
        throw new RdbError(
          `FATAL: Data file was created with a Redis server configured to handle more than ${keyspace.databases.length} databases (SELECTDB ${db}). Exiting`,
        );
      }
    },
    key: (e) => {
      const db = keyspace.db(e.db);
      let value: Value | undefined;
      try {
        value = storeValueOf(e.value, options.limits);
      } catch (err) {
        throw new RdbError(
          `key ${JSON.stringify(e.key)} (db ${e.db}) is a ${e.value.kind}: ${(err as Error).message}`,
        );
      }
      if (value === undefined) return;
      if (options.dropExpired && e.expireMs !== undefined && e.expireMs < options.nowMs) {
        keysExpired++;
        return;
      }
      if (options.replaceExisting === true) {
        db.delete(e.key);
        db.add(e.key, value);
      } else {
        // One hash lookup per key: a duplicate shows as a size that did not grow (then the load fails).
        const before = db.size;
        db.add(e.key, value);
        if (db.size === before) throw new RdbError(`duplicate key ${JSON.stringify(e.key)} in db ${e.db}`);
      }
      if (e.expireMs !== undefined) db.setExpire(e.key, e.expireMs);
      if (e.idleSeconds !== undefined || e.freq !== undefined) {
        options.onAccessRecord?.(e.db, e.key, e.idleSeconds, e.freq);
      }
      keysLoaded++;
    },
  });
  return { summary, aux, keysLoaded, keysExpired, functions };
}
