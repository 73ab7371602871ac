import { NULL, bulk, bulkOrNull, integer } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { readString } from './common.js';

/** GET key — the string value, nil when absent, WRONGTYPE for other types. */
export const get = defineCommand({
  name: 'get',
  parse: (args) => args.key(),
  apply: (ctx, key) => bulkOrNull(readString(ctx, key)),
});

/** GETDEL key — the value, then deletes the key. Propagates as DEL. */
export const getdel = defineCommand({
  name: 'getdel',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const value = readString(ctx, key);
    if (value === undefined) return NULL;
    ctx.db.delete(key);
    ctx.keyModified(key);
    ctx.notify('g', 'del', key);
    ctx.propagateAs([['DEL', key]]);
    return bulk(value);
  },
});

/** STRLEN key — the length in bytes, 0 when absent. */
export const strlen = defineCommand({
  name: 'strlen',
  parse: (args) => args.key(),
  apply: (ctx, key) => integer(readString(ctx, key)?.length ?? 0),
});
