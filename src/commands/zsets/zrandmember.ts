/**
 * ZRANDMEMBER key [count [WITHSCORES]]
 *
 * Without count: one random member (null for a missing key). With a positive count: that many
 * distinct members (the whole set when count ≥ size). With a negative count: |count| members drawn
 * independently, so repeats are possible.
 */
import {
  ERR_NOT_INTEGER,
  ERR_OUT_OF_RANGE,
  ERR_RANDMEMBER_RANGE,
  ERR_SYNTAX,
  EMPTY_ARRAY,
  NULL,
  bulk,
  error,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet, ZEntry } from '../../store/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { WRONGTYPE, WRONG_TYPE, entriesReply, readZSet } from './common.js';
import { parseInt64 } from '../args.js';
import { pickDistinct, type RandomSource } from '../random.js';

const LONG_MAX = 9223372036854775807n;
/**
 * Redis streams a negative-count reply of any length; redmesh builds a reply in memory first, so a
 * count like -1e12 would exhaust the heap and take the whole server down. Beyond this many picks it
 * answers an error instead (a deliberate difference from Redis).
 */
const MAX_RANDOM_PICKS = 1 << 24;

/** A random member with its score: O(1) on a big sorted set (SortedSet.randomMember). */
function randomEntry(zset: SortedSet): ZEntry {
  const member = zset.randomMember() as string;
  return { member, score: zset.score(member) as number };
}

function sourceOf(zset: SortedSet): RandomSource {
  return {
    size: zset.size,
    pick: () => zset.randomMember() as string,
    all: () => [...zset.members()],
  };
}

function entriesOf(zset: SortedSet, members: readonly string[]): ZEntry[] {
  return members.map((member) => ({ member, score: zset.score(member) as number }));
}

/**
 * `count` distinct entries: all of them, in Redis's set-iterator order, which starts at the highest
 * score (zuiInitIterator seeks the tail); else Redis zrandmemberWithCountCommand's strategies
 * (random.ts), O(count log n) for a small count.
 */
function distinct(zset: SortedSet, count: number): ZEntry[] {
  if (count >= zset.size) return [...zset.entries()].reverse();
  return entriesOf(zset, pickDistinct(sourceOf(zset), count));
}

function withCount(ctx: CommandContext, argv: readonly string[]): Reply {
  const raw = parseInt64(argv[2] ?? '');
  if (raw === undefined) return error(ERR_NOT_INTEGER);
  if (BigInt(raw) < -LONG_MAX) return error(ERR_RANDMEMBER_RANGE);
  if (argv.length > 4 || (argv.length === 4 && (argv[3] ?? '').toLowerCase() !== 'withscores')) {
    return error(ERR_SYNTAX);
  }
  const withScores = argv.length === 4;
  // Redis refuses counts whose doubled reply length would overflow a long.
  if (withScores && (BigInt(raw) < -LONG_MAX / 2n || BigInt(raw) > LONG_MAX / 2n))
    return error(ERR_OUT_OF_RANGE);
  const zset = readZSet(ctx, argv[1] ?? '');
  if (zset === WRONG_TYPE) return WRONGTYPE;
  const count = Number(raw);
  if (zset === undefined || count === 0) return EMPTY_ARRAY;
  if (count > 0) return entriesReply(ctx, distinct(zset, count), withScores);
  if (-count > MAX_RANDOM_PICKS) return error(ERR_OUT_OF_RANGE);
  const picks: ZEntry[] = [];
  for (let i = 0; i < -count; i++) picks.push(randomEntry(zset));
  return entriesReply(ctx, picks, withScores);
}

export const zrandmember: CommandSpec = {
  name: 'zrandmember',
  arity: -2,
  flags: ['readonly'],
  categories: ['read', 'sortedset', 'slow'],
  tips: ['nondeterministic_output'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  run(ctx, argv) {
    if (argv.length >= 3) return withCount(ctx, argv);
    const zset = readZSet(ctx, argv[1] ?? '');
    if (zset === WRONG_TYPE) return WRONGTYPE;
    return zset === undefined ? NULL : bulk(randomEntry(zset).member);
  },
};
