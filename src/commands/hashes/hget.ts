/**
 * Field reads.
 *
 * HGET key field               — the value or nil.
 * HMGET key field [field ...]  — an array of values/nils (all nils when the key is missing).
 * HEXISTS key field            — 1 or 0.
 * HSTRLEN key field            — the value's length in bytes, 0 when absent.
 * HLEN key                     — the number of fields.
 */
import { array, bulkOrNull, integer, NULL, ONE, ZERO } from '../../resp/index.js';
import { guarded, readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';

const shape = { firstKey: 1, lastKey: 1, step: 1, flags: ['readonly', 'fast'] } as const;
const categories = ['read', 'hash', 'fast'];

export const hget: CommandSpec = {
  name: 'hget',
  arity: 3,
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash === undefined ? NULL : bulkOrNull(hash.fields.get(argv[2] as string));
  }),
};

export const hmget: CommandSpec = {
  name: 'hmget',
  arity: -3,
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return array(argv.slice(2).map((f) => bulkOrNull(hash?.fields.get(f))));
  }),
};

export const hexists: CommandSpec = {
  name: 'hexists',
  arity: 3,
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash?.fields.has(argv[2] as string) === true ? ONE : ZERO;
  }),
};

export const hstrlen: CommandSpec = {
  name: 'hstrlen',
  arity: 3,
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return integer(hash?.fields.get(argv[2] as string)?.length ?? 0);
  }),
};

export const hlen: CommandSpec = {
  name: 'hlen',
  arity: 2,
  ...shape,
  categories,
  run: guarded((ctx, argv) => integer(readTyped(ctx, argv[1] as string, 'hash')?.fields.size ?? 0)),
};
