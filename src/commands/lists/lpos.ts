/**
 * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
 *
 * The index of matches of element. RANK n starts at the n-th match (negative: scanning from the
 * tail); COUNT n returns up to n indexes as an array (0 = all); MAXLEN compares at most len elements.
 * Without COUNT: an integer or nil. With COUNT: an array (empty when the key is missing).
 */
import {
  ERR_LPOS_COUNT_NEGATIVE,
  ERR_LPOS_MAXLEN_NEGATIVE,
  ERR_LPOS_RANK_ZERO,
  ERR_SYNTAX,
  array,
  EMPTY_ARRAY,
  integer,
  NULL,
} from '../../resp/index.js';
import { isOption } from '../args.js';
import { parseLong } from '../args.js';
import { fail, guarded, readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { longArg } from './common.js';

interface LposOptions {
  rank: number;
  /** undefined when COUNT was not given (the reply is then a single integer). */
  count: number | undefined;
  maxlen: number;
}

function nonNegative(arg: string, message: string): number {
  const n = parseLong(arg);
  return n === undefined || n < 0 ? fail(message) : n;
}

function parseOptions(argv: readonly string[]): LposOptions {
  const opts: LposOptions = { rank: 1, count: undefined, maxlen: 0 };
  for (let j = 3; j < argv.length; j += 2) {
    const opt = argv[j] as string;
    const value = argv[j + 1];
    if (value === undefined) return fail(ERR_SYNTAX);
    if (isOption(opt, 'RANK')) {
      opts.rank = longArg(value);
      if (opts.rank === 0) return fail(ERR_LPOS_RANK_ZERO);
    } else if (isOption(opt, 'COUNT')) {
      opts.count = nonNegative(value, ERR_LPOS_COUNT_NEGATIVE);
    } else if (isOption(opt, 'MAXLEN')) {
      opts.maxlen = nonNegative(value, ERR_LPOS_MAXLEN_NEGATIVE);
    } else {
      return fail(ERR_SYNTAX);
    }
  }
  return opts;
}

export const lpos: CommandSpec = {
  name: 'lpos',
  arity: -3,
  flags: ['readonly'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'list', 'slow'],
  run: guarded((ctx, argv) => {
    const opts = parseOptions(argv);
    const list = readTyped(ctx, argv[1] as string, 'list');
    if (list === undefined) return opts.count === undefined ? NULL : EMPTY_ARRAY;
    const element = argv[2] as string;
    const fromTail = opts.rank < 0;
    // Redis negates a negative rank in a C long; LONG_MIN stays negative, so every match qualifies.
    const rank = opts.rank === -(2 ** 63) ? 1 : Math.abs(opts.rank);
    const length = list.items.length;
    const found: number[] = [];
    let matches = 0;
    for (let step = 0; step < length && (opts.maxlen === 0 || step < opts.maxlen); step++) {
      const index = fromTail ? length - 1 - step : step;
      if (list.items.at(index) !== element) continue;
      matches++;
      if (matches < rank) continue;
      found.push(index);
      if (opts.count === undefined || (opts.count > 0 && found.length >= opts.count)) break;
    }
    if (opts.count !== undefined) return array(found.map((i) => integer(i)));
    return found.length === 0 ? NULL : integer(found[0] as number);
  }),
};
