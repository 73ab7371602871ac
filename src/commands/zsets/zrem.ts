/**
 * ZREM key member [member ...]          removes members; replies how many were there
 * ZREMRANGEBYRANK key start stop         removes a rank range (negative ranks count from the end)
 * ZREMRANGEBYSCORE key min max           removes a score range
 * ZREMRANGEBYLEX key min max             removes a lex range
 *
 * A set left empty is deleted, like every emptied aggregate in Redis.
 */
import {
  ERR_MIN_MAX_NOT_FLOAT,
  ERR_MIN_MAX_NOT_STRING_RANGE,
  ERR_NOT_INTEGER,
  ZERO,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet, ZEntry } from '../../store/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { WRONGTYPE, WRONG_TYPE, deleteIfEmpty, writeZSet } from './common.js';
import { parseLong } from '../args.js';
import { parseLexRange, parseScoreRange } from './parse.js';

const ONE_KEY = { firstKey: 1, lastKey: 1, step: 1 } as const;

export const zrem: CommandSpec = {
  name: 'zrem',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['write', 'sortedset', 'fast'],
  ...ONE_KEY,
  run(ctx, argv) {
    const key = argv[1] ?? '';
    const zset = writeZSet(ctx, key);
    if (zset === WRONG_TYPE) return WRONGTYPE;
    if (zset === undefined) return ZERO;
    let deleted = 0;
    for (const member of argv.slice(2)) {
      if (zset.delete(member)) deleted++;
      if (zset.size === 0) break;
    }
    if (deleted > 0) {
      deleteIfEmpty(ctx, key, zset);
      ctx.keyModified(key);
    }
    return integer(deleted);
  },
};

/** zremrangeGenericCommand after parsing: look the key up, remove, delete when empty. */
function removeRange(ctx: CommandContext, key: string, remove: (zset: SortedSet) => ZEntry[]): Reply {
  const zset = writeZSet(ctx, key);
  if (zset === WRONG_TYPE) return WRONGTYPE;
  if (zset === undefined) return ZERO;
  const removed = remove(zset);
  if (removed.length > 0) {
    deleteIfEmpty(ctx, key, zset);
    ctx.keyModified(key);
  }
  return integer(removed.length);
}

const REMRANGE = {
  arity: 4,
  flags: ['write'],
  categories: ['write', 'sortedset', 'slow'],
  ...ONE_KEY,
} as const;

export const zremrangebyrank: CommandSpec = {
  name: 'zremrangebyrank',
  ...REMRANGE,
  run(ctx, argv) {
    const start = parseLong(argv[2] ?? '');
    const stop = parseLong(argv[3] ?? '');
    if (start === undefined || stop === undefined) return error(ERR_NOT_INTEGER);
    return removeRange(ctx, argv[1] ?? '', (zset) => {
      const [from, to] = clampRanks(start, stop, zset.size);
      return from > to ? [] : zset.deleteRangeByRank(from, to);
    });
  },
};

export const zremrangebyscore: CommandSpec = {
  name: 'zremrangebyscore',
  ...REMRANGE,
  run(ctx, argv) {
    const range = parseScoreRange(argv[2] ?? '', argv[3] ?? '');
    if (range === undefined) return error(ERR_MIN_MAX_NOT_FLOAT);
    return removeRange(ctx, argv[1] ?? '', (zset) => zset.deleteRangeByScore(range));
  },
};

export const zremrangebylex: CommandSpec = {
  name: 'zremrangebylex',
  ...REMRANGE,
  run(ctx, argv) {
    const range = parseLexRange(argv[2] ?? '', argv[3] ?? '');
    if (range === undefined) return error(ERR_MIN_MAX_NOT_STRING_RANGE);
    return removeRange(ctx, argv[1] ?? '', (zset) => zset.deleteRangeByLex(range));
  },
};

/**
 * Redis's rank sanitising (ZRANGE, ZREMRANGEBYRANK): negative counts from the end, start clamps to 0,
 * stop to the last rank. Returns [1, 0] (empty) when nothing is selected.
 */
export function clampRanks(start: number, stop: number, length: number): [number, number] {
  let from = start < 0 ? length + start : start;
  let to = stop < 0 ? length + stop : stop;
  if (from < 0) from = 0;
  if (from > to || from >= length) return [1, 0];
  if (to >= length) to = length - 1;
  return [from, to];
}
