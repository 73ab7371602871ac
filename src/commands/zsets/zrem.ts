/**
 * ZREM key member [member ...]          removes members; replies how many were there
 * ZREMRANGEBYRANK key start stop         removes a rank range (negative ranks count from the end)
 * ZREMRANGEBYSCORE key min max           removes a score range
 * ZREMRANGEBYLEX key min max             removes a lex range
 *
 * A set left empty is deleted, like every emptied aggregate in Redis.
 */
import { ZERO, integer, type Reply } from '../../resp/index.js';
import type { SortedSet, ZEntry } from '../../store/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { deleteIfEmpty, writeZSet } from './common.js';
import { readLexRange, readScoreRange } from './parse.js';

export const zrem = defineCommand({
  name: 'zrem',
  parse: (args) => ({ key: args.key(), members: args.rest() }),
  apply(ctx, { key, members }) {
    const zset = writeZSet(ctx, key);
    if (zset === undefined) return ZERO;
    let deleted = 0;
    for (const member of members) {
      if (zset.delete(member)) deleted++;
      if (zset.size === 0) break;
    }
    if (deleted > 0) {
      ctx.notify('z', 'zrem', key);
      deleteIfEmpty(ctx, key, zset);
      ctx.keyModified(key);
    }
    return integer(deleted);
  },
});

/** zremrangeGenericCommand after parsing: look the key up, remove, delete when empty. */
function removeRange(
  ctx: CommandContext,
  key: string,
  event: string,
  remove: (zset: SortedSet) => ZEntry[],
): Reply {
  const zset = writeZSet(ctx, key);
  if (zset === undefined) return ZERO;
  const removed = remove(zset);
  if (removed.length > 0) {
    ctx.notify('z', event, key);
    deleteIfEmpty(ctx, key, zset);
    ctx.keyModified(key);
  }
  return integer(removed.length);
}

export const zremrangebyrank = defineCommand({
  name: 'zremrangebyrank',
  parse: (args) => ({ key: args.key(), start: args.integer(), stop: args.integer() }),
  apply: (ctx, { key, start, stop }) =>
    removeRange(ctx, key, 'zremrangebyrank', (zset) => {
      const [from, to] = clampRanks(start, stop, zset.size);
      return from > to ? [] : zset.deleteRangeByRank(from, to);
    }),
});

export const zremrangebyscore = defineCommand({
  name: 'zremrangebyscore',
  parse: (args) => ({ key: args.key(), range: readScoreRange(args) }),
  apply: (ctx, { key, range }) =>
    removeRange(ctx, key, 'zremrangebyscore', (zset) => zset.deleteRangeByScore(range)),
});

export const zremrangebylex = defineCommand({
  name: 'zremrangebylex',
  parse: (args) => ({ key: args.key(), range: readLexRange(args) }),
  apply: (ctx, { key, range }) =>
    removeRange(ctx, key, 'zremrangebylex', (zset) => zset.deleteRangeByLex(range)),
});

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
