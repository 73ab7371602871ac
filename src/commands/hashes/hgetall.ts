/**
 * Whole-hash reads, in the hash's order (insertion order, as Redis's listpack keeps it).
 *
 * HKEYS key      — the fields.
 * HVALS key      — the values.
 * HGETALL key    — field/value pairs: a map in RESP3, a flat array in RESP2.
 */
import { bulk, bulkArray, EMPTY_ARRAY, map } from '../../resp/reply.js';
import { readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { tableRow } from '../define.js';

export const hkeys: CommandSpec = {
  ...tableRow('hkeys'),
  run: (ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash === undefined ? EMPTY_ARRAY : bulkArray([...hash.fields.keys()]);
  },
};

export const hvals: CommandSpec = {
  ...tableRow('hvals'),
  run: (ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash === undefined ? EMPTY_ARRAY : bulkArray([...hash.fields.values()]);
  },
};

export const hgetall: CommandSpec = {
  ...tableRow('hgetall'),
  run: (ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return map(hash === undefined ? [] : [...hash.fields].map(([f, v]) => [bulk(f), bulk(v)] as const));
  },
};
