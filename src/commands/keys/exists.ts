import { integer, simple, type Reply } from '../../resp/index.js';
import { typeOf } from '../../store/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

function countExisting(ctx: CommandContext, keys: readonly string[]): Reply {
  let count = 0;
  for (const key of keys) {
    if (ctx.db.lookupRead(key, ctx.now) !== undefined) count++;
  }
  return integer(count);
}

/** EXISTS key [key …] — how many of the keys exist (a key named twice counts twice). */
export const exists = defineCommand({
  name: 'exists',
  parse: (args) => args.rest(),
  apply: countExisting,
});

/** TOUCH key [key …] — marks keys accessed; replies how many exist. */
export const touch = defineCommand({
  name: 'touch',
  parse: (args) => args.rest(),
  apply: countExisting,
});

/** TYPE key — string, list, set, zset, hash, or none. */
export const type = defineCommand({
  name: 'type',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const value = ctx.db.lookupRead(key, ctx.now);
    return simple(value === undefined ? 'none' : typeOf(value));
  },
});
