/**
 * Memory accounting (MEMORY USAGE, INFO used_memory / used_memory_dataset, maxmemory eviction).
 * V8's heap totals include garbage not yet collected and say nothing of what one key costs, so the
 * keyspace counts its data the way Redis's allocator would hold it (dict entries, sds headers,
 * listpacks, skiplist nodes, jemalloc size classes): a maxmemory setting then means about the same
 * data on both, and used_memory moves with the data only.
 */
import { CONTAINER_BYTES, DICT_ENTRY, ROBJ, allocSize, sdsSize } from './alloc-model.js';
import type { Value } from './types.js';

export {
  EXPIRE_ENTRY_BYTES,
  allocSize,
  hashFieldBytes,
  hashFieldPackedBytes,
  keyAccountBytes,
  listElementBytes,
  setMemberBytes,
  zsetMemberBytes,
  zsetMemberPackedBytes,
} from './alloc-model.js';

/** The value's part of the count, O(1): collections keep their totals as they change. */
export function valueAccountBytes(value: Value): number {
  if (typeof value === 'string') {
    if (value.length <= 20 && isIntLike(value)) return ROBJ;
    return value.length <= 44 ? allocSize(ROBJ + value.length + 4) : ROBJ + sdsSize(value.length);
  }
  switch (value.type) {
    case 'string':
      return ROBJ + sdsSize(value.capacity);
    case 'list':
      return ROBJ + CONTAINER_BYTES + value.items.packedBytes;
    case 'hash':
      return (
        ROBJ +
        (value.outgrown === true
          ? CONTAINER_BYTES + (value.bytes ?? 0)
          : allocSize(7 + (value.packedBytes ?? 0) + 1))
      );
    case 'set':
      return (
        ROBJ +
        (value.outgrown === true
          ? CONTAINER_BYTES + (value.bytes ?? 0)
          : allocSize(8 + value.members.size * 8))
      );
    case 'zset':
      return ROBJ + value.zset.memoryBytes;
  }
}

/** `0` or an optional minus and digits without a leading zero (the strings Redis may store as ints). */
function isIntLike(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  if (n === 1) return s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n || s.charCodeAt(i) < 49 || s.charCodeAt(i) > 57) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * MEMORY USAGE: bytes of one key and its value as Redis reports them (its dict entry counted at
 * sizeof, 24 bytes), from the same model as the keyspace's byte count. Collections keep exact totals
 * under that model, so `samples` (MEMORY USAGE SAMPLES) changes nothing: there is nothing to sample.
 */
export function estimateKeyBytes(key: string, value: Value, samples = 5): number {
  void samples;
  return DICT_ENTRY + sdsSize(key.length) + valueAccountBytes(value);
}

/** Bytes of one database's keys in the keyspace's byte count (kept on every write: O(1)). */
export function databaseBytes(db: { readonly usedBytes: number }): number {
  return db.usedBytes;
}

/** Bytes of every key in the keyspace (INFO used_memory_dataset), O(databases). */
export function datasetBytes(keyspace: {
  readonly databases: readonly { readonly usedBytes: number }[];
}): number {
  let total = 0;
  for (const db of keyspace.databases) total += db.usedBytes;
  return total;
}
