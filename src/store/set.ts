/**
 * The set container's mutators (Redis t_set.c setTypeAdd/setTypeRemove/setTypeRandomElement). The
 * members are typed read-only everywhere else so that every change passes here and a random-pick
 * index (SetValue.sampler) never misses one.
 */
import { BigSet } from './big-map.js';
import { setMemberBytes } from './alloc-model.js';
import { noteKeyAdded, noteKeyRemoved, randomKeyOf } from './key-sampler.js';
import type { SetValue } from './types.js';

export function newSetValue(members: Iterable<string> = []): SetValue {
  const set: SetValue = { type: 'set', members: new BigSet(), bytes: 0 };
  for (const m of members) addMember(set, m);
  return set;
}

/** Adds `member`; true when it was not there. */
export function addMember(set: SetValue, member: string): boolean {
  const members = set.members as BigSet<string>;
  const before = members.size;
  members.add(member);
  if (members.size === before) return false;
  set.bytes = (set.bytes ?? 0) + setMemberBytes(member);
  noteKeyAdded(set, member);
  return true;
}

/** Removes `member`; true when it was there. */
export function removeMember(set: SetValue, member: string): boolean {
  if (!(set.members as BigSet<string>).delete(member)) return false;
  set.bytes = (set.bytes ?? 0) - setMemberBytes(member);
  noteKeyRemoved(set, member);
  return true;
}

/** A uniformly random member (undefined for an empty set): O(1) for big sets. */
export function randomMember(set: SetValue): string | undefined {
  return randomKeyOf(set, set.members);
}
