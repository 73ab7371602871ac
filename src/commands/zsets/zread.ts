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
import { ERR_MIN_MAX_NOT_FLOAT, ERR_MIN_MAX_NOT_STRING_RANGE } from '../../resp/errors.js';
import { NULL, ZERO, array, double, error, integer } from '../../resp/reply.js';
import type { Reply } from '../../resp/reply.js';
import type { CommandSpec } from '../types.js';
import { readZSet } from './common.js';
import { parseLexRange, parseScoreRange } from './parse.js';
import { tableRow } from '../define.js';

export const zcard: CommandSpec = {
  ...tableRow('zcard'),
  run(ctx, argv) {
    const zset = readZSet(ctx, argv[1] ?? '');
    return zset === undefined ? ZERO : integer(zset.size);
  },
};

export const zscore: CommandSpec = {
  ...tableRow('zscore'),
  run(ctx, argv) {
    const zset = readZSet(ctx, argv[1] ?? '');
    const score = zset?.score(argv[2] ?? '');
    return score === undefined ? NULL : double(score);
  },
};

export const zmscore: CommandSpec = {
  ...tableRow('zmscore'),
  run(ctx, argv) {
    const zset = readZSet(ctx, argv[1] ?? '');
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
    ...tableRow(name),
    run(ctx, argv) {
      const zset = readZSet(ctx, argv[1] ?? '');
      const rank = zset?.rank(argv[2] ?? '', reverse);
      return rank === undefined ? NULL : integer(rank);
    },
  };
}

export const zrank = rankCommand('zrank', false);
export const zrevrank = rankCommand('zrevrank', true);

export const zcount: CommandSpec = {
  ...tableRow('zcount'),
  run(ctx, argv) {
    const range = parseScoreRange(argv[2] ?? '', argv[3] ?? '');
    if (range === undefined) return error(ERR_MIN_MAX_NOT_FLOAT);
    const zset = readZSet(ctx, argv[1] ?? '');
    return zset === undefined ? ZERO : integer(zset.countInScoreRange(range));
  },
};

export const zlexcount: CommandSpec = {
  ...tableRow('zlexcount'),
  run(ctx, argv) {
    const range = parseLexRange(argv[2] ?? '', argv[3] ?? '');
    if (range === undefined) return error(ERR_MIN_MAX_NOT_STRING_RANGE);
    const zset = readZSet(ctx, argv[1] ?? '');
    return zset === undefined ? ZERO : integer(zset.countInLexRange(range));
  },
};
