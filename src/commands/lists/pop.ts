/**
 * LPOP key [count]   — removes and returns the first element, or with count up to count elements.
 * RPOP key [count]   — the same from the tail.
 *
 * Reply shapes (Redis 7.0): without count a bulk or nil; with count an array, a nil array when the
 * key is missing, an empty array for count 0 on an existing list. The count is parsed before the
 * key is looked up, so a bad count wins over WRONGTYPE.
 */
import {
  ERR_NOT_POSITIVE,
  wrongArity,
  bulk,
  bulkArray,
  EMPTY_ARRAY,
  NULL,
  NULL_ARRAY,
} from '../../resp/index.js';
import { parseLong } from '../args.js';
import { fail, guarded, writeTyped } from '../typed.js';
import type { CommandContext, CommandResult, CommandSpec } from '../types.js';
import { popMany } from './common.js';
import type { End } from './common.js';

function pop(ctx: CommandContext, argv: readonly string[], end: End): CommandResult {
  const key = argv[1] as string;
  if (argv.length > 3) return fail(wrongArity(argv[0] as string));
  const countArg = argv[2];
  if (countArg === undefined) {
    const list = writeTyped(ctx, key, 'list');
    if (list === undefined) return NULL;
    return bulk(popMany(ctx, key, list, end, 1)[0] as string);
  }
  const count = parseLong(countArg);
  if (count === undefined || count < 0) return fail(ERR_NOT_POSITIVE);
  const list = writeTyped(ctx, key, 'list');
  if (list === undefined) return NULL_ARRAY;
  if (count === 0) return EMPTY_ARRAY;
  return bulkArray(popMany(ctx, key, list, end, count));
}

function popSpec(name: string, end: End): CommandSpec {
  return {
    name,
    arity: -2,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    categories: ['write', 'list', 'fast'],
    run: guarded((ctx, argv) => pop(ctx, argv, end)),
  };
}

export const lpop = popSpec('lpop', 'left');
export const rpop = popSpec('rpop', 'right');
