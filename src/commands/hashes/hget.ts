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
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { readTyped } from '../typed.js';

interface FieldArgs {
  readonly key: string;
  readonly field: string;
}

function keyAndField(args: ArgCursor): FieldArgs {
  return { key: args.key(), field: args.string() };
}

export const hget = defineCommand({
  name: 'hget',
  parse: keyAndField,
  apply(ctx, { key, field }) {
    const hash = readTyped(ctx, key, 'hash');
    return hash === undefined ? NULL : bulkOrNull(hash.fields.get(field));
  },
});

export const hmget = defineCommand({
  name: 'hmget',
  parse: (args) => ({ key: args.key(), fields: args.rest() }),
  apply(ctx, { key, fields }) {
    const hash = readTyped(ctx, key, 'hash');
    return array(fields.map((f) => bulkOrNull(hash?.fields.get(f))));
  },
});

export const hexists = defineCommand({
  name: 'hexists',
  parse: keyAndField,
  apply: (ctx, { key, field }) => (readTyped(ctx, key, 'hash')?.fields.has(field) === true ? ONE : ZERO),
});

export const hstrlen = defineCommand({
  name: 'hstrlen',
  parse: keyAndField,
  apply: (ctx, { key, field }) => integer(readTyped(ctx, key, 'hash')?.fields.get(field)?.length ?? 0),
});

export const hlen = defineCommand({
  name: 'hlen',
  parse: (args) => args.key(),
  apply: (ctx, key) => integer(readTyped(ctx, key, 'hash')?.fields.size ?? 0),
});
