/**
 * The hash container's mutators (Redis t_hash.c hashTypeSet/hashTypeDelete/dictGetFairRandomKey).
 * The fields are typed read-only everywhere else so that every change passes here and a random-pick
 * index (HashValue.sampler) never misses one.
 */
import { noteKeyAdded, noteKeyRemoved, randomKeyOf } from './key-sampler.js';
import type { HashValue } from './types.js';

export function newHashValue(): HashValue {
  return { type: 'hash', fields: new Map() };
}

/** Sets `field` to `value`; true when the field is new. */
export function setField(hash: HashValue, field: string, value: string): boolean {
  const fields = hash.fields as Map<string, string>;
  const before = fields.size;
  fields.set(field, value);
  if (fields.size === before) return false;
  noteKeyAdded(hash, field);
  return true;
}

/** Removes `field`; true when it was there. */
export function deleteField(hash: HashValue, field: string): boolean {
  if (!(hash.fields as Map<string, string>).delete(field)) return false;
  noteKeyRemoved(hash, field);
  return true;
}

/** A uniformly random field (undefined for an empty hash): O(1) for big hashes. */
export function randomField(hash: HashValue): string | undefined {
  return randomKeyOf(hash, hash.fields);
}
