/**
 * SPOP key [count]          — removes and returns random members. Without count: a bulk or nil,
 *                             propagated as SREM key member. With count: a set reply; popping the
 *                             whole set propagates as DEL key, otherwise as one SREM per member
 *                             (the server wraps several propagated commands in MULTI/EXEC, as
 *                             Redis 7.0 does).
 * SRANDMEMBER key [count]   — random members without removing: count > 0 distinct (the whole set
 *                             when count ≥ its size), count < 0 |count| that may repeat. Always an
 *                             array, also in RESP3.
 */
import { ERR_NOT_POSITIVE, ERR_OUT_OF_RANGE, ERR_SYNTAX } from '../../resp/errors.js';
import { bulk, bulkArray, bulkOrNull, EMPTY_ARRAY, NULL, set as setReply } from '../../resp/reply.js';
import { fail, guarded, readTyped, writeTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { MAX_RANDOM_REPLY, parseRandomCount } from '../hashes/hrandfield.js';
import { pickDistinct, pickWithRepeats, randomIndex } from '../random.js';
import { parseLong } from '../args.js';
import { afterMemberRemoval, orderedMembers } from './common.js';

export const spop: CommandSpec = {
  name: 'spop',
  arity: -2,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'set', 'fast'],
  tips: ['nondeterministic_output'],
  run: guarded((ctx, argv) => {
    const key = argv[1] as string;
    if (argv.length > 3) return fail(ERR_SYNTAX);
    if (argv.length === 2) {
      const set = writeTyped(ctx, key, 'set');
      if (set === undefined) return NULL;
      const member = [...set.members][randomIndex(set.members.size)] as string;
      set.members.delete(member);
      afterMemberRemoval(ctx, key, set);
      ctx.propagateAs([['SREM', key, member]]);
      return bulk(member);
    }
    const count = parseLong(argv[2] as string);
    if (count === undefined || count < 0) return fail(ERR_NOT_POSITIVE);
    const set = writeTyped(ctx, key, 'set');
    if (set === undefined || count === 0) return setReply([]);
    if (count >= set.members.size) {
      const all = orderedMembers(set.members, set.outgrown);
      ctx.db.delete(key);
      ctx.keyModified(key);
      ctx.propagateAs([['DEL', key]]);
      return setReply(all.map((m) => bulk(m)));
    }
    const popped = pickDistinct([...set.members], count);
    for (const m of popped) set.members.delete(m);
    afterMemberRemoval(ctx, key, set);
    ctx.propagateAs(popped.map((m) => ['SREM', key, m]));
    return setReply(popped.map((m) => bulk(m)));
  }),
};

export const srandmember: CommandSpec = {
  name: 'srandmember',
  arity: -2,
  flags: ['readonly'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'set', 'slow'],
  tips: ['nondeterministic_output'],
  run: guarded((ctx, argv) => {
    const key = argv[1] as string;
    if (argv.length > 3) return fail(ERR_SYNTAX);
    if (argv.length === 2) {
      const set = readTyped(ctx, key, 'set');
      return set === undefined ? NULL : bulkOrNull([...set.members][randomIndex(set.members.size)]);
    }
    const wide = parseRandomCount(argv[2] as string);
    if (wide < -BigInt(MAX_RANDOM_REPLY)) return fail(ERR_OUT_OF_RANGE);
    const count = Number(wide);
    const set = readTyped(ctx, key, 'set');
    if (set === undefined || count === 0) return EMPTY_ARRAY;
    if (count < 0) return bulkArray(pickWithRepeats([...set.members], -count));
    if (count >= set.members.size) return bulkArray(orderedMembers(set.members, set.outgrown));
    return bulkArray(pickDistinct([...set.members], count));
  }),
};
