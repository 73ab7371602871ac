/**
 * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
 *
 * Pops up to count (default 1) elements from the first non-empty list among the keys and replies
 * [key, [elements]], or a nil array when all are empty. Propagates as `LPOP|RPOP key count`, which
 * is what Redis 7.0 sends to replicas and the AOF (with the number of elements actually popped).
 */
import {
  ERR_COUNT_NOT_POSITIVE,
  ERR_NUMKEYS_NOT_POSITIVE,
  ERR_SYNTAX,
  array,
  bulk,
  bulkArray,
  NULL_ARRAY,
  type Reply,
} from '../../resp/index.js';
import { numkeysKeys } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { fail, writeTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { popMany, readEnd } from './common.js';
import type { End } from './common.js';
import { defineCommand } from '../define.js';

export interface MpopRequest {
  readonly keys: readonly string[];
  readonly end: End;
  readonly count: number;
}

/** Reads `numkeys key... LEFT|RIGHT [COUNT n]`. */
export function parseMpop(args: ArgCursor): MpopRequest {
  const numkeys = args.integer(ERR_NUMKEYS_NOT_POSITIVE);
  if (numkeys < 1) return fail(ERR_NUMKEYS_NOT_POSITIVE);
  if (numkeys >= args.remaining) return fail(ERR_SYNTAX);
  const keys: string[] = [];
  while (keys.length < numkeys) keys.push(args.key());
  const end = readEnd(args);
  let count: number | undefined;
  while (!args.done) {
    if (count !== undefined || args.remaining < 2 || !args.option('COUNT')) return fail(ERR_SYNTAX);
    count = args.integer(ERR_COUNT_NOT_POSITIVE);
    if (count < 1) return fail(ERR_COUNT_NOT_POSITIVE);
  }
  return { keys, end, count: count ?? 1 };
}

/** Serves the request from the first non-empty list, or undefined when there is none. */
export function popFirstNonEmpty(ctx: CommandContext, req: MpopRequest): Reply | undefined {
  for (const key of req.keys) {
    const list = writeTyped(ctx, key, 'list');
    if (list === undefined || list.items.length === 0) continue;
    const values = popMany(ctx, key, list, req.end, req.count);
    ctx.propagateAs([[req.end === 'left' ? 'LPOP' : 'RPOP', key, String(values.length)]]);
    return array([bulk(key), bulkArray(values)]);
  }
  return undefined;
}

export const lmpop = defineCommand({
  name: 'lmpop',
  keys: (argv) => numkeysKeys(argv, 1),
  parse: parseMpop,
  apply: (ctx, req) => popFirstNonEmpty(ctx, req) ?? NULL_ARRAY,
});
