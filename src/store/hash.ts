/**
 * The hash container's mutators (Redis t_hash.c hashTypeSet/hashTypeDelete/dictGetFairRandomKey).
 * The fields are typed read-only everywhere else so that every change passes here and a random-pick
 * index (HashValue.sampler) never misses one.
 */
import { BigMap } from './big-map.js';
import { hashFieldBytes, hashFieldPackedBytes } from './alloc-model.js';
import { noteKeyAdded, noteKeyRemoved, randomKeyOf } from './key-sampler.js';
import type { HashValue } from './types.js';

export function newHashValue(): HashValue {
  return { type: 'hash', fields: new BigMap(), bytes: 0, packedBytes: 0 };
}

/** Sets `field` to `value`; true when the field is new. */
export function setField(hash: HashValue, field: string, value: string): boolean {
  const fields = hash.fields as BigMap<string, string>;
  const old = fields.get(field);
  fields.set(field, value);
  if (old !== undefined) {
    account(hash, field, value, 1);
    account(hash, field, old, -1);
    return false;
  }
  account(hash, field, value, 1);
  noteKeyAdded(hash, field);
  return true;
}

/** Adds (sign 1) or removes (-1) a field's bytes from the hash's totals. */
function account(hash: HashValue, field: string, value: string, sign: 1 | -1): void {
  hash.bytes = (hash.bytes ?? 0) + sign * hashFieldBytes(field, value);
  hash.packedBytes = (hash.packedBytes ?? 0) + sign * hashFieldPackedBytes(field, value);
}

/** Removes `field`; true when it was there. */
export function deleteField(hash: HashValue, field: string): boolean {
  const fields = hash.fields as BigMap<string, string>;
  const old = fields.get(field);
  if (old === undefined) return false;
  fields.delete(field);
  account(hash, field, old, -1);
  noteKeyRemoved(hash, field);
  return true;
}

/** A uniformly random field (undefined for an empty hash): O(1) for big hashes. */
export function randomField(hash: HashValue): string | undefined {
  return randomKeyOf(hash, hash.fields);
}
