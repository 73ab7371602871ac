import { integer, simple, type Reply } from '../../resp/reply.js';
import { typeOf } from '../../store/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { tableRow } from '../define.js';

function countExisting(ctx: CommandContext, argv: readonly string[]): Reply {
  let count = 0;
  for (let j = 1; j < argv.length; j++) {
    if (ctx.db.lookupRead(argv[j] as string, ctx.now) !== undefined) count++;
  }
  return integer(count);
}

/** EXISTS key [key …] — how many of the keys exist (a key named twice counts twice). */
export const exists: CommandSpec = {
  ...tableRow('exists'),
  run: countExisting,
};

/** TOUCH key [key …] — marks keys accessed; replies how many exist. */
export const touch: CommandSpec = {
  ...tableRow('touch'),
  run: countExisting,
};

/** TYPE key — string, list, set, zset, hash, or none. */
export const type: CommandSpec = {
  ...tableRow('type'),
  run(ctx, argv): Reply {
    const value = ctx.db.lookupRead(argv[1] as string, ctx.now);
    return simple(value === undefined ? 'none' : typeOf(value));
  },
};
