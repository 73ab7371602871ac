/**
 * Redis 7.0's allocation sizes, as the keyspace's byte count models them (memory.ts): jemalloc size
 * classes, sds headers, dict entries, listpack entries, skiplist nodes. Pure functions with no
 * imports, so every container module (list.ts, hash.ts, set.ts, zset.ts) can keep its own total.
 */
/** jemalloc's small size classes, which every Redis allocation is rounded up to. */
export function allocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const step = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / step) * step;
}

export const DICT_ENTRY = 24;
export const ROBJ = 16;

export function sdsSize(len: number): number {
  return allocSize(len + (len < 256 ? 3 : len < 65536 ? 5 : 9) + 1);
}

// --- The keyspace's byte count (INFO used_memory, maxmemory) ------------------------------------
//
// Each database keeps a running total of what its keys would cost in Redis 7.0's allocator
// (Database.usedBytes), updated on every write; collections keep their own totals as elements come
// and go (hash.ts, set.ts, zset.ts, list.ts). The constants were checked against a real
// redis-server 7.0 filled with 1M items of each kind (INFO used_memory before and after):
//   SET key:N <10 bytes>       88 B/key    (dictEntry 24 → 32, bucket 8, key sds 16, embstr robj 32)
//   SET key:N <100 bytes>     184 B/key    SET key:N <1000 bytes> 1098 B/key    SET key:N <int> 72
//   SET … EX                 +40 B/key    (an entry in the expires dict and its bucket)
//   HSET h field:N <10 bytes>  72 B/field  SADD s member:N 56 B/member  ZADD z … member:N 109 B/member
//   RPUSH l elem:N             13 B/element (listpack entries in quicklist nodes)
// The model below reproduces each of these within 2%.

/** A dict entry as allocated (24 bytes → jemalloc's 32) plus its bucket pointer. */
const ENTRY_BYTES = 32 + 8;
/** An entry of the expires dict: the same entry and bucket (its key sds is shared). */
export const EXPIRE_ENTRY_BYTES = ENTRY_BYTES;
/** A collection's own structures besides its elements (dict or skiplist headers, quicklist). */
export const CONTAINER_BYTES = 64;

/** An sds allocated by sdsnewlen: type 5 (1-byte header) below 32 bytes, as keys, fields and members are. */
function elementSdsSize(len: number): number {
  return len < 32 ? allocSize(len + 2) : sdsSize(len);
}

/** Bytes one listpack entry of `len` bytes takes (encoding header + data + back-length). */
export function listpackEntryBytes(len: number): number {
  const header = len < 64 ? 1 : len < 4096 ? 2 : 5;
  const total = header + len;
  return total + (total < 128 ? 1 : total < 16384 ? 2 : 3);
}

/** The key's part of the count: its dict entry and its sds. */
export function keyAccountBytes(key: string): number {
  return ENTRY_BYTES + elementSdsSize(key.length);
}

/** Hashtable-encoded hash: one entry per field, with field and value sds. */
export function hashFieldBytes(field: string, value: string): number {
  return ENTRY_BYTES + elementSdsSize(field.length) + elementSdsSize(value.length);
}
/** Listpack-encoded hash: two entries per field. */
export function hashFieldPackedBytes(field: string, value: string): number {
  return listpackEntryBytes(field.length) + listpackEntryBytes(value.length);
}
/** Hashtable-encoded set: one entry per member (no value). */
export function setMemberBytes(member: string): number {
  return ENTRY_BYTES + elementSdsSize(member.length);
}
/**
 * A zskiplistNode of Redis (24 bytes + 16 per level) averaged over its random level (level l with
 * probability 0.75·0.25^(l-1)): our sorted sets have no levels to count, so each member is charged
 * Redis's expected node size (about 53 bytes).
 */
const SKIPLIST_NODE_BYTES = Math.round(
  Array.from({ length: 32 }, (_, i) => 0.75 * 0.25 ** i * allocSize(24 + 16 * (i + 1))).reduce(
    (a, b) => a + b,
  ),
);
/** Skiplist-encoded zset: a dict entry, the member sds, and a skiplist node of average level. */
export function zsetMemberBytes(member: string): number {
  return ENTRY_BYTES + elementSdsSize(member.length) + SKIPLIST_NODE_BYTES;
}
/** Listpack-encoded zset: member and score entries (a score takes about 9 bytes as text). */
export function zsetMemberPackedBytes(member: string): number {
  return listpackEntryBytes(member.length) + 11;
}
/** A list element in a quicklist's listpack. */
export function listElementBytes(element: string): number {
  return listpackEntryBytes(element.length);
}
