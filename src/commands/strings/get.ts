import { NULL, bulk, bulkOrNull, integer, type Reply } from '../../resp/reply.js';
import type { CommandSpec } from '../types.js';
import { readString } from './common.js';
import { tableRow } from '../define.js';

/** GET key — the string value, nil when absent, WRONGTYPE for other types. */
export const get: CommandSpec = {
  ...tableRow('get'),
  run(ctx, argv): Reply {
    const value = readString(ctx, argv[1] as string);
    if (typeof value === 'object') return value;
    return bulkOrNull(value);
  },
};

/** GETDEL key — the value, then deletes the key. Propagates as DEL. */
export const getdel: CommandSpec = {
  ...tableRow('getdel'),
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
  ...tableRow('strlen'),
  run(ctx, argv): Reply {
    const value = readString(ctx, argv[1] as string);
    if (typeof value === 'object') return value;
    return integer(value === undefined ? 0 : value.length);
  },
};
