import { ERR_SYNTAX, NULL, bulk, error, type Reply } from '../../resp/index.js';
import type { CommandSpec } from '../types.js';
import { readString } from './common.js';
import { expireAtMs, parseStringSetOptions } from './set.js';

/**
 * GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST] — GET that also sets or
 * removes the TTL. Propagates as PEXPIREAT (as itself when given PXAT), as DEL when the absolute time
 * has already passed, as PERSIST when a TTL was removed.
 */
export const getex: CommandSpec = {
  name: 'getex',
  arity: -2,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const key = argv[1] as string;
    const options = parseStringSetOptions(argv, 2, true);
    if (options === undefined) return error(ERR_SYNTAX);
    const value = readString(ctx, key);
    if (typeof value === 'object') return value;
    if (value === undefined) return NULL;
    const unit = options.expireUnit;
    if (unit !== undefined && options.expireArg !== undefined) {
      const when = expireAtMs(ctx, unit, options.expireArg, 'getex');
      if (typeof when !== 'number') return when;
      if ((unit === 'EXAT' || unit === 'PXAT') && when <= ctx.now && !ctx.db.expiryIsMasterDriven) {
        ctx.db.delete(key);
        ctx.keyModified(key);
        ctx.propagateAs([['DEL', key]]);
        return bulk(value);
      }
      ctx.db.setExpire(key, when);
      ctx.keyModified(key);
      ctx.propagateAs([['PEXPIREAT', key, String(when)]]);
    } else if (options.persist && ctx.db.removeExpire(key)) {
      ctx.keyModified(key);
      ctx.propagateAs([['PERSIST', key]]);
    }
    return bulk(value);
  },
};
