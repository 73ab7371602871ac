import { ERR_NO_SUCH_KEY, OK, ONE, ZERO, error, type Reply } from '../../resp/index.js';
import type { CommandContext, CommandSpec } from '../types.js';

/** Redis renameGenericCommand: moves the value and its TTL to the new name. */
function renameGeneric(ctx: CommandContext, argv: readonly string[], nx: boolean): Reply {
  const from = argv[1] as string;
  const to = argv[2] as string;
  const value = ctx.db.lookupWrite(from, ctx.now);
  if (value === undefined) return error(ERR_NO_SUCH_KEY);
  if (from === to) return nx ? ZERO : OK;
  const expire = ctx.db.getExpire(from);
  const raw = ctx.db.isRawString(from);
  if (ctx.db.lookupWrite(to, ctx.now) !== undefined) {
    if (nx) return ZERO;
    ctx.db.delete(to);
  }
  ctx.db.add(to, value);
  if (expire !== undefined) ctx.db.setExpire(to, expire);
  if (raw) ctx.db.markRawString(to);
  ctx.db.delete(from);
  ctx.keyModified(from);
  ctx.keyModified(to);
  return nx ? ONE : OK;
}

/** RENAME key newkey — renames, overwriting newkey; "no such key" when key is absent. */
export const rename: CommandSpec = {
  name: 'rename',
  arity: 3,
  flags: ['write'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['keyspace', 'write', 'slow'],
  run: (ctx, argv) => renameGeneric(ctx, argv, false),
};

/** RENAMENX key newkey — renames only when newkey does not exist: 1, else 0. */
export const renamenx: CommandSpec = {
  name: 'renamenx',
  arity: 3,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['keyspace', 'write', 'fast'],
  run: (ctx, argv) => renameGeneric(ctx, argv, true),
};
