/**
 * ZRANDMEMBER key [count [WITHSCORES]]
 *
 * Without count: one random member (null for a missing key). With a positive count: that many
 * distinct members (the whole set when count ≥ size). With a negative count: |count| members drawn
 * independently, so repeats are possible.
 */
import {
  INT64_MAX,
  ERR_OUT_OF_RANGE,
  ERR_RANDMEMBER_RANGE,
  EMPTY_ARRAY,
  NULL,
  bulk,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet, ZEntry } from '../../store/index.js';
import { defineCommand } from '../define.js';
import { pickDistinct, type RandomSource } from '../random.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { entriesReply, readZSet } from './common.js';

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

function withCount(ctx: CommandContext, key: string, count: number, withScores: boolean): Reply {
  const zset = readZSet(ctx, key);
  if (zset === undefined || count === 0) return EMPTY_ARRAY;
  if (count > 0) return entriesReply(ctx, distinct(zset, count), withScores);
  if (-count > MAX_RANDOM_PICKS) return fail(ERR_OUT_OF_RANGE);
  const picks: ZEntry[] = [];
  for (let i = 0; i < -count; i++) picks.push(randomEntry(zset));
  return entriesReply(ctx, picks, withScores);
}

/** No count: one member; a count: the members for it, WITHSCORES adding their scores. */
type RandmemberArgs =
  | { readonly key: string; readonly single: true }
  | { readonly key: string; readonly single: false; readonly count: number; readonly withScores: boolean };

export const zrandmember = defineCommand({
  name: 'zrandmember',
  parse(args): RandmemberArgs {
    const key = args.key();
    if (args.done) return { key, single: true };
    const raw = args.int64();
    if (BigInt(raw) < -INT64_MAX) return fail(ERR_RANDMEMBER_RANGE);
    const withScores = args.option('WITHSCORES');
    args.end();
    // Redis refuses counts whose doubled reply length would overflow a long.
    if (withScores && (BigInt(raw) < -INT64_MAX / 2n || BigInt(raw) > INT64_MAX / 2n)) {
      return fail(ERR_OUT_OF_RANGE);
    }
    return { key, single: false, count: Number(raw), withScores };
  },
  apply(ctx, parsed) {
    if (!parsed.single) return withCount(ctx, parsed.key, parsed.count, parsed.withScores);
    const zset = readZSet(ctx, parsed.key);
    return zset === undefined ? NULL : bulk(randomEntry(zset).member);
  },
});
