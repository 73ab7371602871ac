import { integer, type Reply } from '../../resp/reply.js';
import type { CommandSpec } from '../types.js';
import { checkStringLength, readStringForWrite } from './common.js';

/** APPEND key value — appends to the string (creating it), replies the new length in bytes. */
export const append: CommandSpec = {
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const key = argv[1] as string;
    const suffix = argv[2] as string;
    const current = readStringForWrite(ctx, key);
    if (typeof current === 'object') return current;
    if (current === undefined) {
      ctx.db.add(key, suffix);
      ctx.keyModified(key);
      return integer(suffix.length);
    }
    const tooLong = checkStringLength(ctx, current.length, suffix.length);
    if (tooLong !== undefined) return tooLong;
    const next = current + suffix;
    ctx.db.setValue(key, next, true);
    ctx.db.markRawString(key);
    ctx.keyModified(key);
    return integer(next.length);
  },
};
