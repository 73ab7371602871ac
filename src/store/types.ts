/**
 * Value types held in the keyspace.
 *
 * A string value is stored as a bare latin1 JS string (one char per byte) rather than wrapped in an
 * object: 1M small strings must fit in ≤ 2× Redis's memory, and a wrapper object per key costs more
 * than the value. Every other type is an object with a `type` tag.
 *
 * The containers of the aggregate types are owned by their family module in store/ (list.ts, hash.ts,
 * set.ts, zset.ts); commands mutate them only after Database.lookupWrite(), which is what lets a
 * snapshot copy a value before its first change (see snapshot.ts).
 */
import type { ByteString } from './byte-string.js';
import type { KeySampler } from './key-sampler.js';
import type { Quicklist } from './list.js';
import type { Stream } from './stream.js';
import type { SortedSet } from './zset.js';

export type StringValue = string;
export interface ListValue {
  readonly type: 'list';
  readonly items: Quicklist;
}
/** Change `fields` only through store/hash.ts (setField, deleteField), which keeps `sampler` in step. */
export interface HashValue {
  readonly type: 'hash';
  readonly fields: ReadonlyMap<string, string>;
  /** HRANDFIELD's O(1) picker over the fields, built on the first pick from a big hash (key-sampler.ts). */
  sampler?: KeySampler;
  /** The fields' bytes in the keyspace's count, as a hashtable and as a listpack (memory.ts); kept by hash.ts. */
  bytes?: number;
  packedBytes?: number;
  /**
   * True once the hash outgrew Redis's listpack encoding (too many fields, or a field or value too
   * long). Redis never converts back, so OBJECT ENCODING and HSCAN keep treating it as a hash table
   * after it shrinks. Set by the writing commands; copies (COPY, snapshots) keep it.
   */
  outgrown?: boolean;
}
/** Change `members` only through store/set.ts (addMember, removeMember), which keeps `sampler` in step. */
export interface SetValue {
  readonly type: 'set';
  readonly members: ReadonlySet<string>;
  /** SRANDMEMBER/SPOP's O(1) picker over the members, built on the first pick from a big set (key-sampler.ts). */
  sampler?: KeySampler;
  /** The members' bytes in the keyspace's count as a hashtable (memory.ts); kept by set.ts. */
  bytes?: number;
  /** True once the set outgrew Redis's intset encoding (a non-integer member, or too many): see HashValue. */
  outgrown?: boolean;
}
export interface ZSetValue {
  readonly type: 'zset';
  readonly zset: SortedSet;
}

/** A stream (store/stream.ts): entries, IDs, consumer groups. */
export interface StreamValue {
  readonly type: 'stream';
  readonly stream: Stream;
}

/** A string is a bare latin1 JS string, or a ByteString once SETRANGE/SETBIT/BITFIELD changed it in place. */
export type Value = StringValue | ByteString | ListValue | HashValue | SetValue | ZSetValue | StreamValue;

/** The latin1 text of a string value (either representation). */
export function stringText(value: StringValue | ByteString): string {
  return typeof value === 'string' ? value : value.text();
}
export type TypeName = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export function typeOf(value: Value): TypeName {
  return typeof value === 'string' ? 'string' : value.type;
}
