/**
 * Memory accounting by estimate (MEMORY USAGE, INFO used_memory_dataset, maxmemory eviction).
 * V8 does not say what one Map entry costs, so sizes follow Redis's own accounting (dict entry, sds
 * headers, jemalloc size classes): close to what `MEMORY USAGE` answers on Redis for small values, so
 * a maxmemory setting means about the same number of keys on both.
 */
import type { Database, Keyspace } from './database.js';
import type { ByteString } from './byte-string.js';
import type { Value } from './types.js';

/** jemalloc's small size classes, which every Redis allocation is rounded up to. */
function allocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const step = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / step) * step;
}

const DICT_ENTRY = 24;
const ROBJ = 16;
/** Per-element overhead of a hashtable-encoded hash/set/zset entry, and of a list node. */
const ELEMENT_OVERHEAD = 24;

function sdsSize(len: number): number {
  return allocSize(len + (len < 256 ? 3 : len < 65536 ? 5 : 9) + 1);
}

function isIntLike(s: string): boolean {
  return s.length > 0 && s.length <= 20 && /^-?[1-9][0-9]*$|^0$/.test(s);
}

/**
 * Estimated bytes of one key and its value. `samples` elements of an aggregate are measured and the
 * rest extrapolated (MEMORY USAGE SAMPLES; 0 = all).
 */
export function estimateKeyBytes(key: string, value: Value, samples = 5): number {
  const base = DICT_ENTRY + sdsSize(key.length);
  if (typeof value === 'string') {
    if (isIntLike(value)) return base + ROBJ;
    return base + (value.length <= 44 ? allocSize(ROBJ + value.length + 4) : ROBJ + sdsSize(value.length));
  }
  // A string changed in place holds its spare room too (Redis: sdsAllocSize).
  if (value.type === 'string') return base + ROBJ + sdsSize(value.capacity);
  return base + ROBJ + aggregateBytes(value, samples);
}

function aggregateBytes(value: Exclude<Value, string | ByteString>, samples: number): number {
  const limit = samples <= 0 ? Infinity : samples;
  switch (value.type) {
    case 'list': {
      const n = value.items.length;
      let measured = 0;
      let count = 0;
      for (; count < n && count < limit; count++)
        measured += sdsSize((value.items.at(count) ?? '').length) + ELEMENT_OVERHEAD;
      return 64 + extrapolate(measured, count, n);
    }
    case 'hash':
      return (
        64 +
        sampleIterable(
          value.fields,
          value.fields.size,
          limit,
          ([f, v]) => sdsSize(f.length) + sdsSize(v.length),
        )
      );
    case 'set':
      return 64 + sampleIterable(value.members, value.members.size, limit, (m) => sdsSize(m.length));
    case 'zset':
      return 64 + value.zset.size * (ELEMENT_OVERHEAD + 32);
  }
}

function sampleIterable<T>(items: Iterable<T>, size: number, limit: number, cost: (x: T) => number): number {
  let measured = 0;
  let count = 0;
  for (const x of items) {
    if (count >= limit) break;
    measured += cost(x) + ELEMENT_OVERHEAD;
    count++;
  }
  return extrapolate(measured, count, size);
}

function extrapolate(measured: number, count: number, total: number): number {
  return count === 0 ? 0 : Math.round((measured / count) * total);
}

/** How many keys per database `datasetBytes` measures before extrapolating. */
const DATASET_SAMPLE = 512;

/** Estimated bytes of one database's keys, from its first keys (cheap on a million keys). */
export function databaseBytes(db: Database): number {
  let measured = 0;
  let count = 0;
  for (const [key, value] of db.entriesWithExpiry()) {
    if (count >= DATASET_SAMPLE) break;
    measured += estimateKeyBytes(key, value);
    count++;
  }
  return extrapolate(measured, count, db.size) + db.volatileCount * DICT_ENTRY;
}

/** Estimated bytes of every key in the keyspace (INFO used_memory_dataset). */
export function datasetBytes(keyspace: Keyspace): number {
  let total = 0;
  for (const db of keyspace.databases) if (db.size > 0) total += databaseBytes(db);
  return total;
}
