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
  ERR_NOT_FLOAT,
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
import type { CommandContext, CommandSpec } from '../types.js';
import { WRONGTYPE, WRONG_TYPE, newZSet, writeZSet } from './common.js';
import { parseScore } from './parse.js';

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

/** zaddGenericCommand's parse, in its order: flags, pair count, flag conflicts, then every score. */
function parse(argv: readonly string[], incrCommand: boolean): ZAddArgs | Reply {
  const flags: ZAddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: incrCommand };
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = (argv[i] ?? '').toLowerCase();
    if (opt === 'nx' || opt === 'xx' || opt === 'gt' || opt === 'lt' || opt === 'ch' || opt === 'incr') {
      flags[opt] = true;
    } else break;
  }
  const elements = argv.length - i;
  if (elements === 0 || elements % 2 !== 0) return error(ERR_SYNTAX);
  if (flags.nx && flags.xx) return error(ERR_ZADD_XX_NX);
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt))
    return error(ERR_ZADD_GT_LT_NX);
  if (flags.incr && elements > 2) return error(ERR_ZADD_INCR_PAIR);
  const pairs: { score: number; member: string }[] = [];
  for (; i < argv.length; i += 2) {
    const score = parseScore(argv[i] ?? '');
    if (score === undefined) return error(ERR_NOT_FLOAT);
    pairs.push({ score, member: argv[i + 1] ?? '' });
  }
  return { key: argv[1] ?? '', flags, pairs };
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
  zset.set(member, next);
  return ['updated', next];
}

function apply(ctx: CommandContext, args: ZAddArgs): Reply {
  const found = writeZSet(ctx, args.key);
  if (found === WRONG_TYPE) return WRONGTYPE;
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
  if (added + updated > 0) ctx.keyModified(args.key);
  if (failure !== undefined) return failure;
  if (flags.incr) return processed > 0 ? double(lastScore) : NULL;
  return integer(flags.ch ? added + updated : added);
}

export const zadd: CommandSpec = {
  name: 'zadd',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'sortedset', 'fast'],
  run(ctx, argv) {
    const args = parse(argv, false);
    return 'kind' in args ? args : apply(ctx, args);
  },
};

export const zincrby: CommandSpec = {
  name: 'zincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'sortedset', 'fast'],
  run(ctx, argv) {
    const args = parse(argv, true);
    return 'kind' in args ? args : apply(ctx, args);
  },
};
