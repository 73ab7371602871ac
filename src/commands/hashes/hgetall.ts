/**
 * Whole-hash reads, in the hash's order (insertion order, as Redis's listpack keeps it).
 *
 * HKEYS key      — the fields.
 * HVALS key      — the values.
 * HGETALL key    — field/value pairs: a map in RESP3, a flat array in RESP2.
 */
import { bulk, bulkArray, EMPTY_ARRAY, map } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { readTyped } from '../typed.js';

export const hkeys = defineCommand({
  name: 'hkeys',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const hash = readTyped(ctx, key, 'hash');
    return hash === undefined ? EMPTY_ARRAY : bulkArray([...hash.fields.keys()]);
  },
});

export const hvals = defineCommand({
  name: 'hvals',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const hash = readTyped(ctx, key, 'hash');
    return hash === undefined ? EMPTY_ARRAY : bulkArray([...hash.fields.values()]);
  },
});

export const hgetall = defineCommand({
  name: 'hgetall',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const hash = readTyped(ctx, key, 'hash');
    return map(hash === undefined ? [] : [...hash.fields].map(([f, v]) => [bulk(f), bulk(v)] as const));
  },
});
