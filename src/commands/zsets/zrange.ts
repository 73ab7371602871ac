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
  integer,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet, LexRange, ScoreRange, ZEntry } from '../../store/index.js';
import { parseLong } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { entriesReply, newZSet, readZSet, storeResult } from './common.js';
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
 * zrangeGenericCommand's parse, from the cursor at min (the key(s) already read): min and max, then
 * the options, then min and max are judged by the range type the options chose. `store`
 * (ZRANGESTORE) refuses WITHSCORES.
 */
function parseQuery(
  args: ArgCursor,
  store: boolean,
  fixedType: RangeType,
  fixedDirection: Direction,
): RangeQuery {
  let minArg = args.string();
  let maxArg = args.string();
  let type = fixedType;
  let direction = fixedDirection;
  let withScores = false;
  let offset = 0;
  let count = -1;
  let limitGiven = false;
  while (!args.done) {
    if (!store && args.option('WITHSCORES')) withScores = true;
    else if (args.remaining >= 3 && args.option('LIMIT')) {
      const [o, c] = [args.string(), args.string()];
      offset = parseLong(o) ?? fail(ERR_NOT_INTEGER);
      count = parseLong(c) ?? fail(ERR_NOT_INTEGER);
      limitGiven = true;
    } else if (direction === 'auto' && args.option('REV')) direction = 'reverse';
    else if (type === 'auto' && args.option('BYLEX')) type = 'lex';
    else if (type === 'auto' && args.option('BYSCORE')) type = 'score';
    else return fail(ERR_SYNTAX);
  }
  if (type === 'auto') type = 'rank';
  const reverse = direction === 'reverse';
  // Redis tests opt_limit != -1, so "LIMIT 0 -1" passes with a rank range.
  if (limitGiven && count !== -1 && type === 'rank') return fail(ERR_LIMIT_NEEDS_BY);
  if (withScores && type === 'lex') return fail(ERR_WITHSCORES_BYLEX);
  if (reverse && type !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  return { spec: parseSpec(type, minArg, maxArg), reverse, withScores, offset, count };
}

function parseSpec(type: RangeType, minArg: string, maxArg: string): RangeSpec {
  if (type === 'score')
    return { type, range: parseScoreRange(minArg, maxArg) ?? fail(ERR_MIN_MAX_NOT_FLOAT) };
  if (type === 'lex') {
    return { type, range: parseLexRange(minArg, maxArg) ?? fail(ERR_MIN_MAX_NOT_STRING_RANGE) };
  }
  const start = parseLong(minArg);
  const stop = parseLong(maxArg);
  if (start === undefined || stop === undefined) return fail(ERR_NOT_INTEGER);
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
  if (zset === undefined) return EMPTY_ARRAY;
  return entriesReply(ctx, select(zset, q), q.withScores);
}

function rangeStore(ctx: CommandContext, dst: string, src: string, q: RangeQuery): Reply {
  const zset = readZSet(ctx, src);
  const entries = zset === undefined ? [] : select(zset, q);
  // zrangeResultBeginStore: always a listpack at first, converted as it grows.
  const result = newZSet(ctx);
  for (const e of entries) result.set(e.member, e.score);
  return integer(storeResult(ctx, dst, result, 'zrangestore'));
}

function readCommand(name: string, type: RangeType, direction: Direction): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => ({ key: args.key(), query: parseQuery(args, false, type, direction) }),
    apply: (ctx, { key, query }) => rangeReply(ctx, key, query),
  });
}

export const zrange = readCommand('zrange', 'auto', 'auto');
export const zrevrange = readCommand('zrevrange', 'rank', 'reverse');
export const zrangebyscore = readCommand('zrangebyscore', 'score', 'forward');
export const zrevrangebyscore = readCommand('zrevrangebyscore', 'score', 'reverse');
export const zrangebylex = readCommand('zrangebylex', 'lex', 'forward');
export const zrevrangebylex = readCommand('zrevrangebylex', 'lex', 'reverse');

export const zrangestore = defineCommand({
  name: 'zrangestore',
  parse: (args) => ({ dst: args.key(), src: args.key(), query: parseQuery(args, true, 'auto', 'auto') }),
  apply: (ctx, { dst, src, query }) => rangeStore(ctx, dst, src, query),
});
