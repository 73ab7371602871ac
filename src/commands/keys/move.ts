import {
  ERR_DB_INDEX,
  ERR_NOT_INTEGER,
  ERR_SAME_OBJECT,
  ERR_SYNTAX,
  ONE,
  ZERO,
  error,
} from '../../resp/index.js';
import { cloneValue, type Database } from '../../store/index.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import { databaseAt, parseCInt } from './common.js';

/** MOVE key db — moves the key (with its TTL) to another database unless it exists there: 1 or 0. */
export const move = defineCommand({
  name: 'move',
  parse: (args) => ({ key: args.key(), index: parseCInt(args.string()) ?? fail(ERR_NOT_INTEGER) }),
  apply(ctx, { key, index }) {
    const dst = databaseAt(ctx, index);
    if (dst === undefined) return error(ERR_DB_INDEX);
    const src = ctx.db;
    if (src === dst) return error(ERR_SAME_OBJECT);
    const value = src.lookupWrite(key, ctx.now);
    if (value === undefined) return ZERO;
    const expire = src.getExpire(key);
    if (dst.lookupWrite(key, ctx.now) !== undefined) return ZERO;
    dst.add(key, value);
    if (expire !== undefined) dst.setExpire(key, expire);
    if (src.isRawString(key)) dst.markRawString(key);
    src.delete(key);
    ctx.keyModified(key, src);
    ctx.keyModified(key, dst);
    ctx.notify('g', 'move_from', key, src);
    ctx.notify('g', 'move_to', key, dst);
    return ONE;
  },
});

/**
 * COPY source destination [DB destination-db] [REPLACE] — copies the value (deeply) and its TTL;
 * 1 when copied, 0 when the source is absent or the destination exists without REPLACE.
 */
export const copy = defineCommand({
  name: 'copy',
  // Options first: the DB index is checked against the databases when read, as Redis does.
  parse: (args) => ({ key: args.key(), newKey: args.key(), options: args }),
  apply(ctx, { key, newKey, options: args }) {
    let replace = false;
    let dst: Database = ctx.db;
    while (!args.done) {
      if (args.option('REPLACE')) replace = true;
      else if (args.remaining >= 2 && args.option('DB')) {
        const index = parseCInt(args.string()) ?? fail(ERR_NOT_INTEGER);
        dst = databaseAt(ctx, index) ?? fail(ERR_DB_INDEX);
      } else return fail(ERR_SYNTAX);
    }
    if (dst === ctx.db && key === newKey) return error(ERR_SAME_OBJECT);
    const value = ctx.db.lookupRead(key, ctx.now);
    if (value === undefined) return ZERO;
    const expire = ctx.db.getExpire(key);
    if (dst.lookupWrite(newKey, ctx.now) !== undefined) {
      if (!replace) return ZERO;
      dst.delete(newKey);
    }
    dst.add(newKey, cloneValue(value));
    if (expire !== undefined) dst.setExpire(newKey, expire);
    if (ctx.db.isRawString(key)) dst.markRawString(newKey);
    ctx.keyModified(newKey, dst);
    ctx.notify('g', 'copy_to', newKey, dst);
    return ONE;
  },
});
