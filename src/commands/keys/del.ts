import { integer, type Reply } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

function deleteKeys(ctx: CommandContext, keys: readonly string[]): Reply {
  let deleted = 0;
  for (const key of keys) {
    ctx.db.expireIfNeeded(key, ctx.now);
    if (ctx.db.delete(key)) {
      ctx.keyModified(key);
      ctx.notify('g', 'del', key);
      deleted++;
    }
  }
  return integer(deleted);
}

/** DEL key [key …] — removes the keys, replies how many existed. */
export const del = defineCommand({
  name: 'del',
  parse: (args) => args.rest(),
  apply: deleteKeys,
});

/**
 * UNLINK key [key …] — DEL whose memory is reclaimed in the background in Redis; here values are
 * freed by the garbage collector either way, so it is DEL with its own table entry.
 */
export const unlink = defineCommand({
  name: 'unlink',
  parse: (args) => args.rest(),
  apply: deleteKeys,
});
