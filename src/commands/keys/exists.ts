import { integer, simple, type Reply } from '../../resp/index.js';
import { typeOf } from '../../store/index.js';
import type { CommandContext, CommandSpec } from '../types.js';

function countExisting(ctx: CommandContext, argv: readonly string[]): Reply {
  let count = 0;
  for (let j = 1; j < argv.length; j++) {
    if (ctx.db.lookupRead(argv[j] as string, ctx.now) !== undefined) count++;
  }
  return integer(count);
}

/** EXISTS key [key …] — how many of the keys exist (a key named twice counts twice). */
export const exists: CommandSpec = {
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  categories: ['keyspace', 'read', 'fast'],
  run: countExisting,
};

/** TOUCH key [key …] — marks keys accessed; replies how many exist. */
export const touch: CommandSpec = {
  name: 'touch',
  arity: -2,
  flags: ['readonly', 'fast'],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  categories: ['keyspace', 'read', 'fast'],
  run: countExisting,
};

/** TYPE key — string, list, set, zset, hash, or none. */
export const type: CommandSpec = {
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['keyspace', 'read', 'fast'],
  run(ctx, argv): Reply {
    const value = ctx.db.lookupRead(argv[1] as string, ctx.now);
    return simple(value === undefined ? 'none' : typeOf(value));
  },
};
