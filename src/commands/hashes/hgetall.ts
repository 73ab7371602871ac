/**
 * Whole-hash reads, in the hash's order (insertion order, as Redis's listpack keeps it).
 *
 * HKEYS key      — the fields.
 * HVALS key      — the values.
 * HGETALL key    — field/value pairs: a map in RESP3, a flat array in RESP2.
 */
import { bulk, bulkArray, EMPTY_ARRAY, map } from '../../resp/index.js';
import { guarded, readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';

const shape = { arity: 2, firstKey: 1, lastKey: 1, step: 1, flags: ['readonly'] } as const;
const categories = ['read', 'hash', 'slow'];

export const hkeys: CommandSpec = {
  name: 'hkeys',
  ...shape,
  categories,
  tips: ['nondeterministic_output_order'],
  run: guarded((ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash === undefined ? EMPTY_ARRAY : bulkArray([...hash.fields.keys()]);
  }),
};

export const hvals: CommandSpec = {
  name: 'hvals',
  ...shape,
  categories,
  tips: ['nondeterministic_output_order'],
  run: guarded((ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash === undefined ? EMPTY_ARRAY : bulkArray([...hash.fields.values()]);
  }),
};

export const hgetall: CommandSpec = {
  name: 'hgetall',
  ...shape,
  categories,
  tips: ['nondeterministic_output_order'],
  run: guarded((ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return map(hash === undefined ? [] : [...hash.fields].map(([f, v]) => [bulk(f), bulk(v)] as const));
  }),
};
