import { integer } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { asString, checkStringLength } from './common.js';

/**
 * APPEND key value — appends to the string (creating it), replies the new length in bytes.
 *
 * A string already changed in place (a ByteString, after SETRANGE/SETBIT/BITFIELD) is appended to
 * in place with sdsMakeRoomFor's growth, so runs of APPEND mixed with those commands stay linear.
 * The value comes from lookupWrite, so a running snapshot has copied it first. A bare string is
 * concatenated (V8 keeps the result as a rope, so a run of APPENDs alone is cheap too).
 */
export const append = defineCommand({
  name: 'append',
  parse: (args) => ({ key: args.key(), suffix: args.string() }),
  apply(ctx, { key, suffix }) {
    const current = asString(ctx.db.lookupWrite(key, ctx.now));
    if (current === undefined) {
      ctx.db.add(key, suffix);
      ctx.keyModified(key);
      ctx.notify('$', 'append', key);
      return integer(suffix.length);
    }
    checkStringLength(ctx, current.length, suffix.length);
    if (typeof current !== 'string') {
      current.writeAt(current.length, suffix);
      ctx.keyModified(key);
      ctx.notify('$', 'append', key);
      return integer(current.length);
    }
    const next = current + suffix;
    ctx.db.setValue(key, next, true);
    ctx.db.markRawString(key);
    ctx.keyModified(key);
    ctx.notify('$', 'append', key);
    return integer(next.length);
  },
});
