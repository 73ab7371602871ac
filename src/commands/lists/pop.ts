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
import { defineCommand } from '../define.js';
import { fail, writeTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { popMany } from './common.js';
import type { End } from './common.js';

function popCommand(name: string, end: End): CommandSpec {
  return defineCommand({
    name,
    parse(args) {
      const key = args.key();
      if (args.remaining > 1) return fail(wrongArity(args.argv[0] as string));
      const count = args.done ? undefined : args.integer(ERR_NOT_POSITIVE);
      if (count !== undefined && count < 0) return fail(ERR_NOT_POSITIVE);
      return { key, count };
    },
    apply(ctx, { key, count }) {
      const list = writeTyped(ctx, key, 'list');
      if (count === undefined) {
        return list === undefined ? NULL : bulk(popMany(ctx, key, list, end, 1)[0] as string);
      }
      if (list === undefined) return NULL_ARRAY;
      if (count === 0) return EMPTY_ARRAY;
      return bulkArray(popMany(ctx, key, list, end, count));
    },
  });
}

export const lpop = popCommand('lpop', 'left');
export const rpop = popCommand('rpop', 'right');
