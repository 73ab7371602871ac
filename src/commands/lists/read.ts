/**
 * The read-only list commands.
 *
 * LLEN key                      — the length, 0 when missing.
 * LRANGE key start stop         — elements start..stop inclusive; negative indexes count from the tail.
 * LINDEX key index              — one element or nil. (The key is looked up before the index is parsed.)
 */
import { bulkArray, bulkOrNull, EMPTY_ARRAY, integer, NULL, ZERO } from '../../resp/index.js';
import { guarded, readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { absoluteIndex, clampRange, longArg } from './common.js';

const keyed = { firstKey: 1, lastKey: 1, step: 1 } as const;

export const llen: CommandSpec = {
  name: 'llen',
  arity: 2,
  flags: ['readonly', 'fast'],
  ...keyed,
  categories: ['read', 'list', 'fast'],
  run: guarded((ctx, argv) => {
    const list = readTyped(ctx, argv[1] as string, 'list');
    return list === undefined ? ZERO : integer(list.items.length);
  }),
};

export const lrange: CommandSpec = {
  name: 'lrange',
  arity: 4,
  flags: ['readonly'],
  ...keyed,
  categories: ['read', 'list', 'slow'],
  run: guarded((ctx, argv) => {
    const start = longArg(argv[2] as string);
    const stop = longArg(argv[3] as string);
    const list = readTyped(ctx, argv[1] as string, 'list');
    if (list === undefined) return EMPTY_ARRAY;
    const range = clampRange(start, stop, list.items.length);
    return range === undefined ? EMPTY_ARRAY : bulkArray(list.items.range(range[0], range[1]));
  }),
};

export const lindex: CommandSpec = {
  name: 'lindex',
  arity: 3,
  flags: ['readonly'],
  ...keyed,
  categories: ['read', 'list', 'slow'],
  run: guarded((ctx, argv) => {
    const list = readTyped(ctx, argv[1] as string, 'list');
    if (list === undefined) return NULL;
    const index = longArg(argv[2] as string);
    return bulkOrNull(list.items.at(absoluteIndex(index, list.items.length)));
  }),
};
