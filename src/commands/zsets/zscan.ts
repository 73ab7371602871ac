/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]
 *
 * Iterates members with their scores (always bulk strings, also in RESP3). Like Redis, a small
 * (listpack-encoded) set is returned whole with cursor 0. A larger one is walked in score order and
 * the cursor is the next rank: every member present for the whole scan is returned when nothing is
 * removed meanwhile; removals ahead of the cursor can make a later member be skipped (Redis's
 * hash-table cursor does not have that weakness).
 */
import { formatDouble, array, bulk, bulkArray, type Reply } from '../../resp/index.js';
import { globMatch, type ZEntry } from '../../store/index.js';
import { defineCommand } from '../define.js';
import { parseScanOptions } from '../scan.js';
import { readZSet } from './common.js';

/** Beyond ±LLONG_MAX/2 Redis's double2ll refuses the integer form. */
const LISTPACK_INT_LIMIT = 2 ** 62;

/**
 * The score as a listpack holds it, which is what ZSCAN hands back for a small zset: zzlInsertAt stores
 * an integral score with |score| ≤ 2^62 as an integer (double2ll), so 1e17 comes back as
 * "100000000000000000" (and -0 as "0"), anything else as d2string's `%.17g`.
 */
function listpackScore(score: number): string {
  return Number.isInteger(score) && Math.abs(score) <= LISTPACK_INT_LIMIT
    ? BigInt(score).toString()
    : formatDouble(score);
}

function scanReply(
  cursor: bigint,
  entries: readonly ZEntry[],
  pattern: string | undefined,
  format: (score: number) => string = formatDouble,
): Reply {
  const flat: string[] = [];
  for (const e of entries) {
    if (pattern !== undefined && !globMatch(pattern, e.member)) continue;
    flat.push(e.member, format(e.score));
  }
  return array([bulk(cursor.toString()), bulkArray(flat)]);
}

export const zscan = defineCommand({
  name: 'zscan',
  // The cursor is read before the lookup, the options after it (Redis's order).
  parse: (args) => ({ key: args.key(), cursor: args.scanCursor(), options: args }),
  apply(ctx, { key, cursor, options: args }) {
    const zset = readZSet(ctx, key);
    if (zset === undefined) return scanReply(0n, [], undefined);
    const options = parseScanOptions(args);
    if (zset.encoding === 'listpack') {
      return scanReply(0n, [...zset.entries()], options.pattern, listpackScore);
    }
    const start = cursor > BigInt(zset.size) ? zset.size : Number(cursor);
    const end = Math.min(zset.size, start + options.count);
    const next = end >= zset.size ? 0n : BigInt(end);
    return scanReply(next, zset.rangeByRank(start, end - 1), options.pattern);
  },
});
