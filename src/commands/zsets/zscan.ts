/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]
 *
 * Iterates members with their scores (always bulk strings, also in RESP3). Like Redis, a small
 * (listpack-encoded) set is returned whole with cursor 0. A larger one is walked in score order and
 * the cursor is the next rank: every member present for the whole scan is returned when nothing is
 * removed meanwhile; removals ahead of the cursor can make a later member be skipped (Redis's
 * hash-table cursor does not have that weakness).
 */
import {
  ERR_INVALID_CURSOR,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  formatDouble,
  array,
  bulk,
  bulkArray,
  error,
  type Reply,
} from '../../resp/index.js';
import { globMatch, type ZEntry } from '../../store/index.js';
import type { CommandSpec } from '../types.js';
import { WRONGTYPE, WRONG_TYPE, readZSet } from './common.js';
import { parseLong } from '../args.js';

const UINT64_MAX = 18446744073709551615n;

/**
 * parseScanCursorOrReply: C strtoul over the whole argument, no leading space. So "" reads as 0 and
 * "-1" wraps around to 2^64-1, exactly as redis-server accepts them; beyond 2^64-1 is ERANGE.
 */
function parseCursor(s: string): bigint | undefined {
  if (s === '') return 0n;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return undefined;
  const magnitude = BigInt(m[2] ?? '0');
  if (magnitude > UINT64_MAX) return undefined;
  return m[1] === '-' ? (UINT64_MAX + 1n - magnitude) % (UINT64_MAX + 1n) : magnitude;
}

interface ScanOptions {
  readonly count: number;
  readonly pattern: string | undefined;
}

function parseOptions(argv: readonly string[]): ScanOptions | Reply {
  let count = 10;
  let pattern: string | undefined;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = (argv[i] ?? '').toLowerCase();
    const left = argv.length - i;
    if (opt === 'count' && left >= 2) {
      const n = parseLong(argv[i + 1] ?? '');
      if (n === undefined) return error(ERR_NOT_INTEGER);
      if (n < 1) return error(ERR_SYNTAX);
      count = n;
    } else if (opt === 'match' && left >= 2) {
      const p = argv[i + 1] ?? '';
      pattern = p === '*' ? undefined : p;
    } else return error(ERR_SYNTAX);
  }
  return { count, pattern };
}

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

export const zscan: CommandSpec = {
  name: 'zscan',
  arity: -3,
  flags: ['readonly'],
  categories: ['read', 'sortedset', 'slow'],
  tips: ['nondeterministic_output'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  run(ctx, argv) {
    const cursor = parseCursor(argv[2] ?? '');
    if (cursor === undefined) return error(ERR_INVALID_CURSOR);
    const zset = readZSet(ctx, argv[1] ?? '');
    if (zset === WRONG_TYPE) return WRONGTYPE;
    if (zset === undefined) return scanReply(0n, [], undefined);
    const options = parseOptions(argv);
    if ('kind' in options) return options;
    if (zset.encoding === 'listpack') {
      return scanReply(0n, [...zset.entries()], options.pattern, listpackScore);
    }
    const start = cursor > BigInt(zset.size) ? zset.size : Number(cursor);
    const end = Math.min(zset.size, start + options.count);
    const next = end >= zset.size ? 0n : BigInt(end);
    return scanReply(next, zset.rangeByRank(start, end - 1), options.pattern);
  },
};
