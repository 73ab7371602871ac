import { BigMap } from './big-map.js';

/**
 * Uniform random picks from a changing set of keys in O(1): the members of a set (SRANDMEMBER,
 * SPOP) and the fields of a hash (HRANDFIELD); a database's keys draw from their own tables
 * (PartitionedMap.randomEntries). Redis picks a random bucket of its hash table
 * (dictGetFairRandomKey); a JS Map or Set has no random access, so this keeps the keys in an array
 * plus each key's slot: add appends, remove moves the last key into the freed slot, pick reads a
 * random slot.
 *
 * It costs an array slot and a Map entry per key, so its owner builds one only when a random pick is
 * first asked of a big collection, and keeps it up to date from then on.
 */
export class KeySampler {
  private readonly keys: string[] = [];
  private readonly slots = new BigMap<string, number>();

  constructor(initial: Iterable<string>) {
    for (const key of initial) this.add(key);
  }

  get size(): number {
    return this.keys.length;
  }

  add(key: string): void {
    if (this.slots.has(key)) return;
    this.slots.set(key, this.keys.length);
    this.keys.push(key);
  }

  remove(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    this.slots.delete(key);
    const last = this.keys.pop() as string;
    if (last === key) return;
    this.keys[slot] = last;
    this.slots.set(last, slot);
  }

  /** A key chosen uniformly at random, or undefined when there are none. */
  pick(): string | undefined {
    return this.keys[Math.floor(Math.random() * this.keys.length)];
  }
}

/** A collection that may carry a KeySampler over its keys (SetValue, HashValue). */
export interface Sampled {
  sampler?: KeySampler;
}

/**
 * Up to this many keys a pick walks the collection (at most this many steps); above it the owner
 * gets a sampler, so a pick is O(1) however big the collection grows.
 */
export const SAMPLER_MIN_SIZE = 128;

/**
 * A uniformly random key of `keys` (members of a Set, fields of a Map), or undefined when empty.
 * Builds `owner.sampler` on the first pick from a big collection; the owner's mutators must then call
 * noteKeyAdded/noteKeyRemoved for every change (store/set.ts and store/hash.ts are those mutators).
 */
export function randomKeyOf(
  owner: Sampled,
  keys: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): string | undefined {
  if (owner.sampler !== undefined) return owner.sampler.pick();
  if (keys.size > SAMPLER_MIN_SIZE) {
    owner.sampler = new KeySampler(keys.keys());
    return owner.sampler.pick();
  }
  let skip = Math.floor(Math.random() * keys.size);
  for (const key of keys.keys()) if (skip-- === 0) return key;
  return undefined;
}

/** Should be called after `key` was added to the owner's collection. */
export function noteKeyAdded(owner: Sampled, key: string): void {
  owner.sampler?.add(key);
}

/** Should be called after `key` was removed from the owner's collection. */
export function noteKeyRemoved(owner: Sampled, key: string): void {
  owner.sampler?.remove(key);
}
