import { NULL, bulk } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { readString } from './common.js';
import { expireAtMs, parseStringSetOptions } from './set.js';

/**
 * GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST] — GET that also sets or
 * removes the TTL. Propagates as PEXPIREAT (as itself when given PXAT), as DEL when the absolute time
 * has already passed, as PERSIST when a TTL was removed.
 */
export const getex = defineCommand({
  name: 'getex',
  parse: (args) => ({ key: args.key(), options: parseStringSetOptions(args, true) }),
  apply(ctx, { key, options }) {
    const value = readString(ctx, key);
    if (value === undefined) return NULL;
    const unit = options.expireUnit;
    if (unit !== undefined && options.expireArg !== undefined) {
      const when = expireAtMs(ctx, unit, options.expireArg, 'getex');
      if ((unit === 'EXAT' || unit === 'PXAT') && when <= ctx.now && !ctx.db.expiryIsMasterDriven) {
        ctx.db.delete(key);
        ctx.keyModified(key);
        ctx.notify('g', 'del', key);
        ctx.propagateAs([['DEL', key]]);
        return bulk(value);
      }
      ctx.db.setExpire(key, when);
      ctx.keyModified(key);
      ctx.notify('g', 'expire', key);
      ctx.propagateAs([['PEXPIREAT', key, String(when)]]);
    } else if (options.persist && ctx.db.removeExpire(key)) {
      ctx.keyModified(key);
      ctx.notify('g', 'persist', key);
      ctx.propagateAs([['PERSIST', key]]);
    }
    return bulk(value);
  },
});
