import {
  ERR_DB_INDEX,
  ERR_NOT_INTEGER,
  ERR_SAME_OBJECT,
  ERR_SYNTAX,
  ONE,
  ZERO,
  error,
  type Reply,
} from '../../resp/index.js';
import { cloneValue, type Database } from '../../store/index.js';
import { isOption } from '../args.js';
import type { CommandSpec } from '../types.js';
import { databaseAt, parseCInt } from './common.js';

/** MOVE key db — moves the key (with its TTL) to another database unless it exists there: 1 or 0. */
export const move: CommandSpec = {
  name: 'move',
  arity: 3,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['keyspace', 'write', 'fast'],
  run(ctx, argv): Reply {
    const key = argv[1] as string;
    const index = parseCInt(argv[2] as string);
    if (index === undefined) return error(ERR_NOT_INTEGER);
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
    return ONE;
  },
};

/**
 * COPY source destination [DB destination-db] [REPLACE] — copies the value (deeply) and its TTL;
 * 1 when copied, 0 when the source is absent or the destination exists without REPLACE.
 */
export const copy: CommandSpec = {
  name: 'copy',
  arity: -3,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['keyspace', 'write', 'slow'],
  run(ctx, argv): Reply {
    let replace = false;
    let dst: Database = ctx.db;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j] as string;
      if (isOption(opt, 'REPLACE')) replace = true;
      else if (isOption(opt, 'DB') && j + 1 < argv.length) {
        const index = parseCInt(argv[++j] as string);
        if (index === undefined) return error(ERR_NOT_INTEGER);
        const db = databaseAt(ctx, index);
        if (db === undefined) return error(ERR_DB_INDEX);
        dst = db;
      } else return error(ERR_SYNTAX);
    }
    const key = argv[1] as string;
    const newKey = argv[2] as string;
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
    return ONE;
  },
};
