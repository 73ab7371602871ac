import { ERR_NO_SUCH_KEY, OK, ONE, ZERO, error, type Reply } from '../../resp/index.js';
import type { CommandContext } from '../types.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';

interface RenameArgs {
  readonly from: string;
  readonly to: string;
}

function parseRename(args: ArgCursor): RenameArgs {
  return { from: args.key(), to: args.key() };
}

/** Redis renameGenericCommand: moves the value and its TTL to the new name. */
function renameGeneric(ctx: CommandContext, { from, to }: RenameArgs, nx: boolean): Reply {
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
  ctx.notify('g', 'rename_from', from);
  ctx.notify('g', 'rename_to', to);
  return nx ? ONE : OK;
}

/** RENAME key newkey — renames, overwriting newkey; "no such key" when key is absent. */
export const rename = defineCommand({
  name: 'rename',
  parse: parseRename,
  apply: (ctx, parsed) => renameGeneric(ctx, parsed, false),
});

/** RENAMENX key newkey — renames only when newkey does not exist: 1, else 0. */
export const renamenx = defineCommand({
  name: 'renamenx',
  parse: parseRename,
  apply: (ctx, parsed) => renameGeneric(ctx, parsed, true),
});
