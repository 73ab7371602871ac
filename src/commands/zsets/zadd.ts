/**
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
 * ZINCRBY key increment member
 *
 * Adds members or updates their scores. NX: only add; XX: only update; GT/LT: only update when the new
 * score is greater/less (new members are still added); CH: count changed members, not just added ones;
 * INCR: act like ZINCRBY and reply the new score (null when NX/XX/GT/LT prevented it).
 * ZINCRBY is ZADD INCR, parsed by the same code (so `ZINCRBY key nx 1` is a syntax error, as in Redis).
 */
import {
  ERR_SYNTAX,
  ERR_ZADD_GT_LT_NX,
  ERR_ZADD_INCR_PAIR,
  ERR_ZADD_XX_NX,
  ERR_ZSET_NAN,
  NULL,
  double,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet } from '../../store/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { newZSet, writeZSet } from './common.js';

interface ZAddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

interface ZAddArgs {
  readonly key: string;
  readonly flags: ZAddFlags;
  readonly pairs: readonly { readonly score: number; readonly member: string }[];
}

const ZADD_FLAGS = ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'] as const;
const FLAG_FIELD = { NX: 'nx', XX: 'xx', GT: 'gt', LT: 'lt', CH: 'ch', INCR: 'incr' } as const;

/** zaddGenericCommand's parse, in its order: flags, pair count, flag conflicts, then every score. */
function parseZAdd(args: ArgCursor, incrCommand: boolean): ZAddArgs {
  const key = args.key();
  const flags: ZAddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: incrCommand };
  for (;;) {
    const flag = ZADD_FLAGS.find((f) => args.option(f));
    if (flag === undefined) break;
    flags[FLAG_FIELD[flag]] = true;
  }
  const elements = args.remaining;
  if (elements === 0 || elements % 2 !== 0) return fail(ERR_SYNTAX);
  if (flags.nx && flags.xx) return fail(ERR_ZADD_XX_NX);
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt))
    return fail(ERR_ZADD_GT_LT_NX);
  if (flags.incr && elements > 2) return fail(ERR_ZADD_INCR_PAIR);
  const pairs: { score: number; member: string }[] = [];
  while (!args.done) pairs.push({ score: args.float(), member: args.string() });
  return { key, flags, pairs };
}

type AddOutcome = 'added' | 'updated' | 'unchanged' | 'skipped' | 'nan';

/** zsetAdd: one member under the flags; `score` is the increment under INCR. */
function addOne(zset: SortedSet, flags: ZAddFlags, member: string, score: number): [AddOutcome, number] {
  const current = zset.score(member);
  if (current === undefined) {
    if (flags.xx) return ['skipped', score];
    zset.set(member, score);
    return ['added', score];
  }
  if (flags.nx) return ['skipped', current];
  let next = score;
  if (flags.incr) {
    next = current + score;
    if (Number.isNaN(next)) return ['nan', next];
  }
  if ((flags.lt && next >= current) || (flags.gt && next <= current)) return ['skipped', current];
  if (next === current) return ['unchanged', next];
  zset.update(member, current, next);
  return ['updated', next];
}

function apply(ctx: CommandContext, args: ZAddArgs): Reply {
  const found = writeZSet(ctx, args.key);
  const { flags } = args;
  let zset = found;
  if (zset === undefined && !flags.xx) {
    zset = newZSet(ctx);
    ctx.db.add(args.key, { type: 'zset', zset });
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  let failure: Reply | undefined;
  if (zset !== undefined) {
    for (const { score, member } of args.pairs) {
      const [outcome, newScore] = addOne(zset, flags, member, score);
      if (outcome === 'nan') {
        failure = error(ERR_ZSET_NAN);
        break;
      }
      if (outcome === 'added') added++;
      if (outcome === 'updated') updated++;
      if (outcome !== 'skipped') processed++;
      lastScore = newScore;
    }
    // The key was created for this call but nothing went in (NX on... never; a NaN on the first pair).
    if (zset.size === 0) ctx.db.delete(args.key);
  }
  if (added + updated > 0) {
    ctx.keyModified(args.key);
    ctx.notify('z', flags.incr ? 'zincr' : 'zadd', args.key);
  }
  if (failure !== undefined) return failure;
  if (flags.incr) return processed > 0 ? double(lastScore) : NULL;
  return integer(flags.ch ? added + updated : added);
}

export const zadd = defineCommand({
  name: 'zadd',
  parse: (args) => parseZAdd(args, false),
  apply,
});

export const zincrby = defineCommand({
  name: 'zincrby',
  parse: (args) => parseZAdd(args, true),
  apply,
});
