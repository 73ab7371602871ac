/**
 * The set container's mutators (Redis t_set.c setTypeAdd/setTypeRemove/setTypeRandomElement). The
 * members are typed read-only everywhere else so that every change passes here and a random-pick
 * index (SetValue.sampler) never misses one.
 */
import { noteKeyAdded, noteKeyRemoved, randomKeyOf } from './key-sampler.js';
import type { SetValue } from './types.js';

export function newSetValue(members: Iterable<string> = []): SetValue {
  return { type: 'set', members: new Set(members) };
}

/** Adds `member`; true when it was not there. */
export function addMember(set: SetValue, member: string): boolean {
  const members = set.members as Set<string>;
  const before = members.size;
  members.add(member);
  if (members.size === before) return false;
  noteKeyAdded(set, member);
  return true;
}

/** Removes `member`; true when it was there. */
export function removeMember(set: SetValue, member: string): boolean {
  if (!(set.members as Set<string>).delete(member)) return false;
  noteKeyRemoved(set, member);
  return true;
}

/** A uniformly random member (undefined for an empty set): O(1) for big sets. */
export function randomMember(set: SetValue): string | undefined {
  return randomKeyOf(set, set.members);
}
