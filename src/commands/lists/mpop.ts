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
import { isOption, numkeysKeys, parseLong } from '../args.js';
import { fail, guarded, writeTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { parseEnd, popMany } from './common.js';
import type { End } from './common.js';

export interface MpopRequest {
  readonly keys: readonly string[];
  readonly end: End;
  readonly count: number;
}

/** Parses `numkeys key... LEFT|RIGHT [COUNT n]` starting at argv[at]. */
export function parseMpop(argv: readonly string[], at: number): MpopRequest {
  const numkeys = parseLong(argv[at] as string);
  if (numkeys === undefined || numkeys < 1) return fail(ERR_NUMKEYS_NOT_POSITIVE);
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) return fail(ERR_SYNTAX);
  const end = parseEnd(argv[whereAt] as string);
  let count: number | undefined;
  for (let j = whereAt + 1; j < argv.length; j++) {
    const value = argv[j + 1];
    if (count !== undefined || !isOption(argv[j], 'COUNT') || value === undefined) return fail(ERR_SYNTAX);
    count = parseLong(value);
    if (count === undefined || count < 1) return fail(ERR_COUNT_NOT_POSITIVE);
    j++;
  }
  return { keys: argv.slice(at + 1, whereAt), end, count: count ?? 1 };
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

export const lmpop: CommandSpec = {
  name: 'lmpop',
  arity: -4,
  flags: ['write', 'movablekeys'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['write', 'list', 'slow'],
  keys: (argv) => numkeysKeys(argv, 1),
  run: guarded((ctx, argv) => popFirstNonEmpty(ctx, parseMpop(argv, 1)) ?? NULL_ARRAY),
};
