/**
 * Field reads.
 *
 * HGET key field               — the value or nil.
 * HMGET key field [field ...]  — an array of values/nils (all nils when the key is missing).
 * HEXISTS key field            — 1 or 0.
 * HSTRLEN key field            — the value's length in bytes, 0 when absent.
 * HLEN key                     — the number of fields.
 */
import { array, bulkOrNull, integer, NULL, ONE, ZERO } from '../../resp/reply.js';
import { readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { tableRow } from '../define.js';

export const hget: CommandSpec = {
  ...tableRow('hget'),
  run: (ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash === undefined ? NULL : bulkOrNull(hash.fields.get(argv[2] as string));
  },
};

export const hmget: CommandSpec = {
  ...tableRow('hmget'),
  run: (ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return array(argv.slice(2).map((f) => bulkOrNull(hash?.fields.get(f))));
  },
};

export const hexists: CommandSpec = {
  ...tableRow('hexists'),
  run: (ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return hash?.fields.has(argv[2] as string) === true ? ONE : ZERO;
  },
};

export const hstrlen: CommandSpec = {
  ...tableRow('hstrlen'),
  run: (ctx, argv) => {
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    return integer(hash?.fields.get(argv[2] as string)?.length ?? 0);
  },
};

export const hlen: CommandSpec = {
  ...tableRow('hlen'),
  run: (ctx, argv) => integer(readTyped(ctx, argv[1] as string, 'hash')?.fields.size ?? 0),
};
