import { integer, type Reply } from '../../resp/index.js';
import type { CommandContext, CommandSpec } from '../types.js';

function deleteKeys(ctx: CommandContext, argv: readonly string[]): Reply {
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j] as string;
    ctx.db.expireIfNeeded(key, ctx.now);
    if (ctx.db.delete(key)) {
      ctx.keyModified(key);
      deleted++;
    }
  }
  return integer(deleted);
}

/** DEL key [key …] — removes the keys, replies how many existed. */
export const del: CommandSpec = {
  name: 'del',
  arity: -2,
  flags: ['write'],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  categories: ['keyspace', 'write', 'slow'],
  run: deleteKeys,
};

/**
 * UNLINK key [key …] — DEL whose memory is reclaimed in the background in Redis; here values are
 * freed by the garbage collector either way, so it is DEL with its own table entry.
 */
export const unlink: CommandSpec = {
  name: 'unlink',
  arity: -2,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  categories: ['keyspace', 'write', 'fast'],
  run: deleteKeys,
};
