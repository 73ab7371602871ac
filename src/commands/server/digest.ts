/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE as Redis 7.0 computes them (debug.c), so the same data gives
 * the same 40 hex digits on redmesh and on a real Redis — what test suites compare after a restart,
 * a reload or a replication.
 *
 * Two primitives over SHA1: xorDigest(d, data) xors SHA1(data) into d (order-free: set members, hash
 * fields, zset entries, the keys of a database); mixDigest(d, data) makes d = SHA1(d xor SHA1(data))
 * (order matters: list elements, a key then its value). A value's digest starts with its type number
 * (OBJ_STRING 0 … OBJ_STREAM 6, big-endian u32) and ends with "!!expire!!" xored in when the key has
 * a TTL. Integers encoded as intsets or int strings are digested as their decimal text, which is how
 * redmesh holds them anyway, and zset scores as printf's "%.17g" (7.0's snprintf; 7.2 switched to
 * fpconv_dtoa).
 */
import { createHash } from 'node:crypto';
import { formatDouble } from '../../resp/index.js';
import {
  MAX_ID,
  ZERO_ID,
  stringText,
  typeOf,
  type Database,
  type Keyspace,
  type Value,
} from '../../store/index.js';

export type Digest = Buffer;

/** Redis's object type numbers (server.h OBJ_*), mixed into every value's digest. */
const OBJ_TYPE = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 } as const;

function sha1(data: Buffer | string): Buffer {
  return createHash('sha1')
    .update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
    .digest();
}

/** digest ^= SHA1(data). */
function xorDigest(digest: Digest, data: Buffer | string): void {
  const hash = sha1(data);
  for (let i = 0; i < 20; i++) digest[i] = (digest[i] as number) ^ (hash[i] as number);
}

/** digest = SHA1(digest ^ SHA1(data)). */
function mixDigest(digest: Digest, data: Buffer | string): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The digest of one element made of parts (a hash's field and value, a zset's member and score). */
function elementDigest(...parts: string[]): Digest {
  const d = Buffer.alloc(20);
  for (const p of parts) mixDigest(d, p);
  return d;
}

/**
 * Redis xorObjectDigest: mixes `value` (and whether `key` has a TTL) into `digest`. One case per
 * type in mixAggregateDigest; a new type (streams: the "ms.seq" id of each entry mixed, then each
 * field and value mixed) joins that switch and OBJ_TYPE — the `never` check makes the compiler ask.
 */
export function mixValueDigest(digest: Digest, db: Database, key: string, value: Value): void {
  mixDigest(digest, u32be(OBJ_TYPE[typeOf(value)]));
  if (typeof value === 'string') mixDigest(digest, value);
  else mixAggregateDigest(digest, value);
  if (db.getExpire(key) !== undefined) xorDigest(digest, '!!expire!!');
}

function mixAggregateDigest(digest: Digest, value: Exclude<Value, string>): void {
  switch (value.type) {
    case 'string':
      mixDigest(digest, stringText(value));
      break;
    case 'list':
      for (const item of value.items) mixDigest(digest, item);
      break;
    case 'set':
      for (const member of value.members) xorDigest(digest, member);
      break;
    case 'zset':
      for (const e of value.zset.entries()) xorDigest(digest, elementDigest(e.member, formatDouble(e.score)));
      break;
    case 'hash':
      for (const [field, v] of value.fields) xorDigest(digest, elementDigest(field, v));
      break;
    case 'stream':
      // debug.c: each entry's "ms.seq" id, then its fields and values, in order (groups are not mixed).
      for (const [id, fields] of value.stream.range(ZERO_ID, MAX_ID)) {
        mixDigest(digest, `${id.ms}.${id.seq}`);
        for (const part of fields) mixDigest(digest, part);
      }
      break;
    default: {
      const unknown: never = value;
      throw new Error(`no digest for ${String(unknown)}`);
    }
  }
}

/** DEBUG DIGEST-VALUE's digest of one key of `db` (20 zero bytes when it is absent). */
export function keyValueDigest(db: Database, key: string): Digest {
  const digest = Buffer.alloc(20);
  const value = db.peek(key);
  if (value !== undefined) mixValueDigest(digest, db, key, value);
  return digest;
}

/**
 * Redis computeDatasetDigest: for each non-empty database in order, its index is mixed in, then
 * each key's digest (the key mixed with its value's digest) is xored in. Logically expired keys
 * still stored count, as in Redis (it walks the dict without lookups).
 */
export function datasetDigest(keyspace: Keyspace): Digest {
  const final = Buffer.alloc(20);
  for (const db of keyspace.databases) {
    if (db.size === 0) continue;
    mixDigest(final, u32be(db.index));
    for (const key of db.keys()) {
      const digest = Buffer.alloc(20);
      mixDigest(digest, key);
      mixValueDigest(digest, db, key, db.peek(key) as Value);
      xorDigest(final, digest);
    }
  }
  return final;
}
