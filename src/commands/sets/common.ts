/** What the set commands share: creation, deletion when emptied, and Redis's reply order. */
import { newSetValue, type SetValue } from '../../store/index.js';
import { parseInt64 } from '../args.js';
import type { CommandContext } from '../types.js';

/** Redis's default set-max-intset-entries. */
const INTSET_MAX_ENTRIES = 512;

/** The set at `key` for adding, created when absent. */
export function setForAdd(ctx: CommandContext, key: string, existing: SetValue | undefined): SetValue {
  if (existing !== undefined) return existing;
  const set = newSetValue();
  ctx.db.add(key, set);
  return set;
}

/** Call after removing members: notifies `event`; an emptied set key is deleted. */
export function afterMemberRemoval(ctx: CommandContext, key: string, set: SetValue, event: string): void {
  ctx.notify('s', event, key);
  if (set.members.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
  ctx.keyModified(key);
}

/** True when Redis would hold these members as an intset (all 64-bit integers, few enough). */
export function isIntsetSized(members: ReadonlySet<string>): boolean {
  if (members.size > INTSET_MAX_ENTRIES) return false;
  for (const m of members) if (parseInt64(m) === undefined) return false;
  return true;
}

/**
 * The members in the order Redis replies them: an intset is sorted by value; a hash table's order
 * is arbitrary in Redis, here insertion order. `outgrown` (SetValue.outgrown) says a stored set is
 * a hash table whatever it holds now.
 */
export function orderedMembers(members: ReadonlySet<string>, outgrown = false): string[] {
  const list = [...members];
  if (outgrown || !isIntsetSized(members)) return list;
  return list.sort((a, b) => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/**
 * Stores a computed set at `key` (replacing whatever is there), or deletes the key when empty.
 * `outgrown` says Redis built it as a hash table whatever it holds now (SetValue.outgrown).
 */
export function storeSet(
  ctx: CommandContext,
  key: string,
  members: ReadonlySet<string>,
  event: string,
  outgrown = false,
): void {
  if (members.size > 0) {
    const set = newSetValue(members);
    if (outgrown) set.outgrown = true;
    ctx.db.setValue(key, set, false);
    ctx.keyModified(key);
    ctx.notify('s', event, key);
  } else if (ctx.db.delete(key)) {
    ctx.keyModified(key);
    ctx.notify('g', 'del', key);
  }
}
