/**
 * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
 * ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
 * ZREVRANGE key start stop [WITHSCORES]
 * ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
 * ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
 * ZRANGEBYLEX key min max [LIMIT offset count]
 * ZREVRANGEBYLEX key max min [LIMIT offset count]
 *
 * One implementation, like Redis 7.0's zrangeGenericCommand: the legacy commands fix the range type
 * and/or direction, so the keyword that would set them again is a syntax error there. Ranks are
 * 0-based and negative ones count from the end; score bounds take `(` for exclusive and ±inf; lex
 * bounds are `[member`, `(member`, `-` and `+`. With REV a score or lex range is given max first.
 */
import {
  ERR_LIMIT_NEEDS_BY,
  ERR_MIN_MAX_NOT_FLOAT,
  ERR_MIN_MAX_NOT_STRING_RANGE,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ERR_WITHSCORES_BYLEX,
  EMPTY_ARRAY,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet, LexRange, ScoreRange, ZEntry } from '../../store/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { WRONGTYPE, WRONG_TYPE, entriesReply, newZSet, readZSet, storeResult } from './common.js';
import { parseLong } from '../args.js';
import { parseLexRange, parseScoreRange } from './parse.js';
import { clampRanks } from './zrem.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

type RangeSpec =
  | { readonly type: 'rank'; readonly start: number; readonly stop: number }
  | { readonly type: 'score'; readonly range: ScoreRange }
  | { readonly type: 'lex'; readonly range: LexRange };

interface RangeQuery {
  readonly spec: RangeSpec;
  readonly reverse: boolean;
  readonly withScores: boolean;
  readonly offset: number;
  /** -1: no limit. */
  readonly count: number;
}

/**
 * zrangeGenericCommand's parse. `argStart` is the index of the source key; options follow min/max.
 * `store` (ZRANGESTORE) refuses WITHSCORES.
 */
function parse(
  argv: readonly string[],
  argStart: number,
  store: boolean,
  fixedType: RangeType,
  fixedDirection: Direction,
): RangeQuery | Reply {
  let type = fixedType;
  let direction = fixedDirection;
  let withScores = false;
  let offset = 0;
  let count = -1;
  let limitGiven = false;
  for (let j = argStart + 3; j < argv.length; j++) {
    const opt = (argv[j] ?? '').toLowerCase();
    const left = argv.length - j - 1;
    if (!store && opt === 'withscores') withScores = true;
    else if (opt === 'limit' && left >= 2) {
      const o = parseLong(argv[j + 1] ?? '');
      const c = parseLong(argv[j + 2] ?? '');
      if (o === undefined || c === undefined) return error(ERR_NOT_INTEGER);
      offset = o;
      count = c;
      limitGiven = true;
      j += 2;
    } else if (direction === 'auto' && opt === 'rev') direction = 'reverse';
    else if (type === 'auto' && opt === 'bylex') type = 'lex';
    else if (type === 'auto' && opt === 'byscore') type = 'score';
    else return error(ERR_SYNTAX);
  }
  if (type === 'auto') type = 'rank';
  const reverse = direction === 'reverse';
  // Redis tests opt_limit != -1, so "LIMIT 0 -1" passes with a rank range.
  if (limitGiven && count !== -1 && type === 'rank') return error(ERR_LIMIT_NEEDS_BY);
  if (withScores && type === 'lex') return error(ERR_WITHSCORES_BYLEX);
  let minArg = argv[argStart + 1] ?? '';
  let maxArg = argv[argStart + 2] ?? '';
  if (reverse && type !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  const spec = parseSpec(type, minArg, maxArg);
  if ('kind' in spec) return spec;
  return { spec, reverse, withScores, offset, count };
}

function parseSpec(type: RangeType, minArg: string, maxArg: string): RangeSpec | Reply {
  if (type === 'score') {
    const range = parseScoreRange(minArg, maxArg);
    return range === undefined ? error(ERR_MIN_MAX_NOT_FLOAT) : { type, range };
  }
  if (type === 'lex') {
    const range = parseLexRange(minArg, maxArg);
    return range === undefined ? error(ERR_MIN_MAX_NOT_STRING_RANGE) : { type, range };
  }
  const start = parseLong(minArg);
  const stop = parseLong(maxArg);
  if (start === undefined || stop === undefined) return error(ERR_NOT_INTEGER);
  return { type: 'rank', start, stop };
}

/** The selected entries, in reply order. */
function select(zset: SortedSet, q: RangeQuery): ZEntry[] {
  const { spec } = q;
  if (spec.type === 'rank') {
    const [from, to] = clampRanks(spec.start, spec.stop, zset.size);
    return from > to ? [] : zset.rangeByRank(from, to, q.reverse);
  }
  // genericZrangeby*Command: a negative offset or one past the end selects nothing.
  if (q.offset < 0 || (q.offset > 0 && q.offset >= zset.size) || q.count === 0) return [];
  if (spec.type === 'score') return zset.rangeByScore(spec.range, q.reverse, q.offset, q.count);
  return zset.rangeByLex(spec.range, q.reverse, q.offset, q.count);
}

function rangeReply(ctx: CommandContext, key: string, q: RangeQuery): Reply {
  const zset = readZSet(ctx, key);
  if (zset === WRONG_TYPE) return WRONGTYPE;
  if (zset === undefined) return EMPTY_ARRAY;
  return entriesReply(ctx, select(zset, q), q.withScores);
}

function rangeStore(ctx: CommandContext, dst: string, src: string, q: RangeQuery): Reply {
  const zset = readZSet(ctx, src);
  if (zset === WRONG_TYPE) return WRONGTYPE;
  const entries = zset === undefined ? [] : select(zset, q);
  // zrangeResultBeginStore: always a listpack at first, converted as it grows.
  const result = newZSet(ctx);
  for (const e of entries) result.set(e.member, e.score);
  return integer(storeResult(ctx, dst, result));
}

const READ_RANGE = {
  flags: ['readonly'],
  categories: ['read', 'sortedset', 'slow'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
} as const;

function readCommand(name: string, type: RangeType, direction: Direction): CommandSpec {
  return {
    name,
    arity: -4,
    ...READ_RANGE,
    run(ctx, argv) {
      const q = parse(argv, 1, false, type, direction);
      return 'kind' in q ? q : rangeReply(ctx, argv[1] ?? '', q);
    },
  };
}

export const zrange = readCommand('zrange', 'auto', 'auto');
export const zrevrange = readCommand('zrevrange', 'rank', 'reverse');
export const zrangebyscore = readCommand('zrangebyscore', 'score', 'forward');
export const zrevrangebyscore = readCommand('zrevrangebyscore', 'score', 'reverse');
export const zrangebylex = readCommand('zrangebylex', 'lex', 'forward');
export const zrevrangebylex = readCommand('zrevrangebylex', 'lex', 'reverse');

export const zrangestore: CommandSpec = {
  name: 'zrangestore',
  arity: -5,
  flags: ['write', 'denyoom'],
  categories: ['write', 'sortedset', 'slow'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  run(ctx, argv) {
    const q = parse(argv, 2, true, 'auto', 'auto');
    return 'kind' in q ? q : rangeStore(ctx, argv[1] ?? '', argv[2] ?? '', q);
  },
};
