/**
 * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
 *
 * The index of matches of element. RANK n starts at the n-th match (negative: scanning from the
 * tail); COUNT n returns up to n indexes as an array (0 = all); MAXLEN compares at most len elements.
 * Without COUNT: an integer or nil. With COUNT: an array (empty when the key is missing).
 */
import {
  INT64_MIN_AS_DOUBLE,
  ERR_LPOS_COUNT_NEGATIVE,
  ERR_LPOS_MAXLEN_NEGATIVE,
  ERR_LPOS_RANK_ZERO,
  ERR_SYNTAX,
  array,
  EMPTY_ARRAY,
  integer,
  NULL,
} from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { fail, readTyped } from '../typed.js';
import { defineCommand } from '../define.js';

interface LposOptions {
  rank: number;
  /** undefined when COUNT was not given (the reply is then a single integer). */
  count: number | undefined;
  maxlen: number;
}

function nonNegative(args: ArgCursor, message: string): number {
  const n = args.integer(message);
  return n < 0 ? fail(message) : n;
}

function parseOptions(args: ArgCursor): LposOptions {
  const opts: LposOptions = { rank: 1, count: undefined, maxlen: 0 };
  while (!args.done) {
    if (args.remaining < 2) return fail(ERR_SYNTAX);
    if (args.option('RANK')) {
      opts.rank = args.integer();
      if (opts.rank === 0) return fail(ERR_LPOS_RANK_ZERO);
    } else if (args.option('COUNT')) {
      opts.count = nonNegative(args, ERR_LPOS_COUNT_NEGATIVE);
    } else if (args.option('MAXLEN')) {
      opts.maxlen = nonNegative(args, ERR_LPOS_MAXLEN_NEGATIVE);
    } else {
      return fail(ERR_SYNTAX);
    }
  }
  return opts;
}

export const lpos = defineCommand({
  name: 'lpos',
  parse: (args) => ({ key: args.key(), element: args.string(), opts: parseOptions(args) }),
  apply(ctx, { key, element, opts }) {
    const list = readTyped(ctx, key, 'list');
    if (list === undefined) return opts.count === undefined ? NULL : EMPTY_ARRAY;
    const fromTail = opts.rank < 0;
    // Redis negates a negative rank in a C long; LONG_MIN stays negative, so every match qualifies.
    const rank = opts.rank === INT64_MIN_AS_DOUBLE ? 1 : Math.abs(opts.rank);
    const found: number[] = [];
    let matches = 0;
    let step = 0;
    list.items.walk(fromTail, (value, index) => {
      if (opts.maxlen !== 0 && step >= opts.maxlen) return false;
      step++;
      if (value !== element) return true;
      matches++;
      if (matches < rank) return true;
      found.push(index);
      return !(opts.count === undefined || (opts.count > 0 && found.length >= opts.count));
    });
    if (opts.count !== undefined) return array(found.map((i) => integer(i)));
    return found.length === 0 ? NULL : integer(found[0] as number);
  },
});
