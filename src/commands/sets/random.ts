/**
 * SPOP key [count]          — removes and returns random members. Without count: a bulk or nil,
 *                             propagated as SREM key member. With count: a set reply; popping the
 *                             whole set propagates as DEL key (also with lazyfree-lazy-server-del,
 *                             as 7.0.15 does), otherwise as one SREM per member (the server wraps
 *                             several propagated commands in MULTI/EXEC, as Redis 7.0 does).
 * SRANDMEMBER key [count]   — random members without removing: count > 0 distinct (the whole set
 *                             when count ≥ its size), count < 0 |count| that may repeat. Always an
 *                             array, also in RESP3.
 *
 * Picks come from store/set.ts's randomMember (O(1) on big sets), with the strategies of Redis's
 * spopWithCountCommand and srandmemberWithCountCommand, so a small count costs O(count).
 */
import {
  ERR_NOT_POSITIVE,
  ERR_OUT_OF_RANGE,
  ERR_SYNTAX,
  bulk,
  bulkArray,
  bulkOrNull,
  EMPTY_ARRAY,
  NULL,
  set as setReply,
  type Reply,
} from '../../resp/index.js';
import { addMember, newSetValue, randomMember, removeMember, type SetValue } from '../../store/index.js';
import { noteSetAdd } from '../encoding.js';
import { fail, readTyped, writeTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { MAX_RANDOM_REPLY, parseRandomCount } from '../hashes/hrandfield.js';
import { pickDistinct, pickWithRepeats, type RandomSource } from '../random.js';
import { afterMemberRemoval, orderedMembers } from './common.js';
import { defineCommand } from '../define.js';

/**
 * Redis SPOP_MOVE_STRATEGY_MUL: when the members left would be fewer than a fifth of those popped,
 * SPOP builds a new set of the few that stay instead of removing the many one by one.
 */
const SPOP_MOVE_STRATEGY_MUL = 5;

function sourceOf(set: SetValue): RandomSource {
  return {
    size: set.members.size,
    pick: () => randomMember(set) as string,
    all: () => [...set.members],
  };
}

/** SPOP key count, for 0 < count < size: the popped members (removed from the stored set). */
function popSome(ctx: CommandContext, key: string, set: SetValue, count: number): string[] {
  const remaining = set.members.size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    const popped: string[] = [];
    for (let i = 0; i < count; i++) {
      const member = randomMember(set) as string;
      removeMember(set, member);
      popped.push(member);
    }
    return popped;
  }
  // Few stay: move them to a new set, which (like Redis's setTypeCreate + setTypeAdd) is an intset
  // again when they all are integers, and reply what is left of the old one. The TTL stays.
  const kept = newSetValue();
  for (let i = 0; i < remaining; i++) {
    const member = randomMember(set) as string;
    removeMember(set, member);
    addMember(kept, member);
    noteSetAdd(ctx, kept, member);
  }
  const popped = orderedMembers(set.members, set.outgrown);
  ctx.db.setValue(key, kept, true);
  return popped;
}

function spopWithCount(ctx: CommandContext, key: string, count: number): Reply {
  const set = writeTyped(ctx, key, 'set');
  if (set === undefined || count === 0) return setReply([]);
  if (count >= set.members.size) {
    const all = orderedMembers(set.members, set.outgrown);
    ctx.notify('s', 'spop', key);
    ctx.db.delete(key);
    ctx.keyModified(key);
    ctx.notify('g', 'del', key);
    ctx.propagateAs([['DEL', key]]);
    return setReply(all.map((m) => bulk(m)));
  }
  const popped = popSome(ctx, key, set, count);
  ctx.notify('s', 'spop', key);
  ctx.keyModified(key);
  ctx.propagateAs(popped.map((m) => ['SREM', key, m]));
  return setReply(popped.map((m) => bulk(m)));
}

export const spop = defineCommand({
  name: 'spop',
  parse(args) {
    const key = args.key();
    if (args.remaining > 1) return fail(ERR_SYNTAX);
    const count = args.done ? undefined : args.integer(ERR_NOT_POSITIVE);
    if (count !== undefined && count < 0) return fail(ERR_NOT_POSITIVE);
    return { key, count };
  },
  apply(ctx, { key, count }) {
    if (count !== undefined) return spopWithCount(ctx, key, count);
    const set = writeTyped(ctx, key, 'set');
    if (set === undefined) return NULL;
    const member = randomMember(set) as string;
    removeMember(set, member);
    afterMemberRemoval(ctx, key, set, 'spop');
    ctx.propagateAs([['SREM', key, member]]);
    return bulk(member);
  },
});

export const srandmember = defineCommand({
  name: 'srandmember',
  parse(args) {
    const key = args.key();
    if (args.remaining > 1) return fail(ERR_SYNTAX);
    if (args.done) return { key, count: undefined };
    return { key, count: Number(parseRandomCount(args.string())) };
  },
  apply(ctx, { key, count }) {
    const set = readTyped(ctx, key, 'set');
    if (count === undefined) return set === undefined ? NULL : bulkOrNull(randomMember(set));
    if (set === undefined || count === 0) return EMPTY_ARRAY;
    // Not Redis: a reply this long would exhaust memory (see MAX_RANDOM_REPLY in hrandfield.ts).
    if (count < -MAX_RANDOM_REPLY) return fail(ERR_OUT_OF_RANGE);
    if (count < 0) return bulkArray(pickWithRepeats(sourceOf(set), -count));
    if (count >= set.members.size) return bulkArray(orderedMembers(set.members, set.outgrown));
    return bulkArray(pickDistinct(sourceOf(set), count));
  },
});
