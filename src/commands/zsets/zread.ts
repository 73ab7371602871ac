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
import { NULL, ZERO, array, double, integer, type Reply } from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import type { CommandSpec } from '../types.js';
import { readZSet } from './common.js';
import { readLexRange, readScoreRange } from './parse.js';

interface MemberArgs {
  readonly key: string;
  readonly member: string;
}

function keyAndMember(args: ArgCursor): MemberArgs {
  return { key: args.key(), member: args.string() };
}

export const zcard = defineCommand({
  name: 'zcard',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const zset = readZSet(ctx, key);
    return zset === undefined ? ZERO : integer(zset.size);
  },
});

export const zscore = defineCommand({
  name: 'zscore',
  parse: keyAndMember,
  apply(ctx, { key, member }) {
    const score = readZSet(ctx, key)?.score(member);
    return score === undefined ? NULL : double(score);
  },
});

export const zmscore = defineCommand({
  name: 'zmscore',
  parse: (args) => ({ key: args.key(), members: args.rest() }),
  apply(ctx, { key, members }) {
    const zset = readZSet(ctx, key);
    const items: Reply[] = [];
    for (const member of members) {
      const score = zset?.score(member);
      items.push(score === undefined ? NULL : double(score));
    }
    return array(items);
  },
});

function rankCommand(name: string, reverse: boolean): CommandSpec {
  return defineCommand({
    name,
    parse: keyAndMember,
    apply(ctx, { key, member }) {
      const rank = readZSet(ctx, key)?.rank(member, reverse);
      return rank === undefined ? NULL : integer(rank);
    },
  });
}

export const zrank = rankCommand('zrank', false);
export const zrevrank = rankCommand('zrevrank', true);

export const zcount = defineCommand({
  name: 'zcount',
  parse: (args) => ({ key: args.key(), range: readScoreRange(args) }),
  apply(ctx, { key, range }) {
    const zset = readZSet(ctx, key);
    return zset === undefined ? ZERO : integer(zset.countInScoreRange(range));
  },
});

export const zlexcount = defineCommand({
  name: 'zlexcount',
  parse: (args) => ({ key: args.key(), range: readLexRange(args) }),
  apply(ctx, { key, range }) {
    const zset = readZSet(ctx, key);
    return zset === undefined ? ZERO : integer(zset.countInLexRange(range));
  },
});
