import { NULL, bulk, bulkOrNull, integer, type Reply } from '../../resp/index.js';
import type { CommandSpec } from '../types.js';
import { readString } from './common.js';

/** GET key — the string value, nil when absent, WRONGTYPE for other types. */
export const get: CommandSpec = {
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'string', 'fast'],
  run(ctx, argv): Reply {
    const value = readString(ctx, argv[1] as string);
    if (typeof value === 'object') return value;
    return bulkOrNull(value);
  },
};

/** GETDEL key — the value, then deletes the key. Propagates as DEL. */
export const getdel: CommandSpec = {
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const key = argv[1] as string;
    const value = readString(ctx, key);
    if (typeof value === 'object') return value;
    if (value === undefined) return NULL;
    ctx.db.delete(key);
    ctx.keyModified(key);
    ctx.propagateAs([['DEL', key]]);
    return bulk(value);
  },
};

/** STRLEN key — the length in bytes, 0 when absent. */
export const strlen: CommandSpec = {
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'string', 'fast'],
  run(ctx, argv): Reply {
    const value = readString(ctx, argv[1] as string);
    if (typeof value === 'object') return value;
    return integer(value === undefined ? 0 : value.length);
  },
};
