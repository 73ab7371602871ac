/**
 * The single-key read commands of the family:
 *
 * ZCARD key                       number of members (0 for a missing key)
 * ZSCORE key member               the member's score, or null
 * ZMSCORE key member [member ...] scores of several members, null for each missing one
 * ZRANK key member                0-based rank by ascending score, or null
 * ZREVRANK key member             0-based rank by descending score, or null
 * ZCOUNT key min max              members with a score in [min, max] (`(` excludes a bound)
 * ZLEXCOUNT key min max           members in a lex range (`[a`, `(a`, `-`, `+`)
 */
import {
  ERR_MIN_MAX_NOT_FLOAT,
  ERR_MIN_MAX_NOT_STRING_RANGE,
  NULL,
  ZERO,
  array,
  double,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import type { CommandSpec } from '../types.js';
import { WRONGTYPE, WRONG_TYPE, readZSet } from './common.js';
import { parseLexRange, parseScoreRange } from './parse.js';

const READ_FAST = { flags: ['readonly', 'fast'], categories: ['read', 'sortedset', 'fast'] } as const;
const ONE_KEY = { firstKey: 1, lastKey: 1, step: 1 } as const;

export const zcard: CommandSpec = {
  name: 'zcard',
  arity: 2,
  ...READ_FAST,
  ...ONE_KEY,
  run(ctx, argv) {
    const zset = readZSet(ctx, argv[1] ?? '');
    if (zset === WRONG_TYPE) return WRONGTYPE;
    return zset === undefined ? ZERO : integer(zset.size);
  },
};

export const zscore: CommandSpec = {
  name: 'zscore',
  arity: 3,
  ...READ_FAST,
  ...ONE_KEY,
  run(ctx, argv) {
    const zset = readZSet(ctx, argv[1] ?? '');
    if (zset === WRONG_TYPE) return WRONGTYPE;
    const score = zset?.score(argv[2] ?? '');
    return score === undefined ? NULL : double(score);
  },
};

export const zmscore: CommandSpec = {
  name: 'zmscore',
  arity: -3,
  ...READ_FAST,
  ...ONE_KEY,
  run(ctx, argv) {
    const zset = readZSet(ctx, argv[1] ?? '');
    if (zset === WRONG_TYPE) return WRONGTYPE;
    const items: Reply[] = [];
    for (const member of argv.slice(2)) {
      const score = zset?.score(member);
      items.push(score === undefined ? NULL : double(score));
    }
    return array(items);
  },
};

function rankCommand(name: string, reverse: boolean): CommandSpec {
  return {
    name,
    arity: 3,
    ...READ_FAST,
    ...ONE_KEY,
    run(ctx, argv) {
      const zset = readZSet(ctx, argv[1] ?? '');
      if (zset === WRONG_TYPE) return WRONGTYPE;
      const rank = zset?.rank(argv[2] ?? '', reverse);
      return rank === undefined ? NULL : integer(rank);
    },
  };
}

export const zrank = rankCommand('zrank', false);
export const zrevrank = rankCommand('zrevrank', true);

export const zcount: CommandSpec = {
  name: 'zcount',
  arity: 4,
  ...READ_FAST,
  ...ONE_KEY,
  run(ctx, argv) {
    const range = parseScoreRange(argv[2] ?? '', argv[3] ?? '');
    if (range === undefined) return error(ERR_MIN_MAX_NOT_FLOAT);
    const zset = readZSet(ctx, argv[1] ?? '');
    if (zset === WRONG_TYPE) return WRONGTYPE;
    return zset === undefined ? ZERO : integer(zset.countInScoreRange(range));
  },
};

export const zlexcount: CommandSpec = {
  name: 'zlexcount',
  arity: 4,
  ...READ_FAST,
  ...ONE_KEY,
  run(ctx, argv) {
    const range = parseLexRange(argv[2] ?? '', argv[3] ?? '');
    if (range === undefined) return error(ERR_MIN_MAX_NOT_STRING_RANGE);
    const zset = readZSet(ctx, argv[1] ?? '');
    if (zset === WRONG_TYPE) return WRONGTYPE;
    return zset === undefined ? ZERO : integer(zset.countInLexRange(range));
  },
};
