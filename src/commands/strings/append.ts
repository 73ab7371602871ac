import { integer, type Reply } from '../../resp/index.js';
import type { CommandSpec } from '../types.js';
import { WRONGTYPE, checkStringLength } from './common.js';

/**
 * APPEND key value — appends to the string (creating it), replies the new length in bytes.
 *
 * A string already changed in place (a ByteString, after SETRANGE/SETBIT/BITFIELD) is appended to
 * in place with sdsMakeRoomFor's growth, so runs of APPEND mixed with those commands stay linear.
 * The value comes from lookupWrite, so a running snapshot has copied it first. A bare string is
 * concatenated (V8 keeps the result as a rope, so a run of APPENDs alone is cheap too).
 */
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
    const current = ctx.db.lookupWrite(key, ctx.now);
    if (current === undefined) {
      ctx.db.add(key, suffix);
      ctx.keyModified(key);
      return integer(suffix.length);
    }
    if (typeof current !== 'string' && current.type !== 'string') return WRONGTYPE;
    const tooLong = checkStringLength(ctx, current.length, suffix.length);
    if (tooLong !== undefined) return tooLong;
    if (typeof current !== 'string') {
      current.writeAt(current.length, suffix);
      ctx.keyModified(key);
      return integer(current.length);
    }
    const next = current + suffix;
    ctx.db.setValue(key, next, true);
    ctx.db.markRawString(key);
    ctx.keyModified(key);
    return integer(next.length);
  },
};
