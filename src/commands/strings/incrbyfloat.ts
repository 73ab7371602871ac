import { ERR_INCR_NAN, ERR_NOT_FLOAT, bulk } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import { readStringForWrite } from './common.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from './long-double.js';

const ZERO_LD = { kind: 'finite', negative: false, m: 0n, e: 0 } as const;

/**
 * INCRBYFLOAT key increment — adds in x87 long double precision and stores Redis's human format
 * (`%.17Lf` trimmed). Always propagates as `SET key <result> KEEPTTL` so replicas never redo the math.
 * Like Redis, the key is looked up (WRONGTYPE) before the increment is read as a number.
 */
export const incrbyfloat = defineCommand({
  name: 'incrbyfloat',
  parse: (args) => ({ key: args.key(), increment: args.string() }),
  apply(ctx, { key, increment: incrementArg }) {
    const current = readStringForWrite(ctx, key);
    const value = current === undefined ? ZERO_LD : parseLongDouble(current);
    const increment = parseLongDouble(incrementArg);
    if (value === undefined || increment === undefined) return fail(ERR_NOT_FLOAT);
    const sum = addLongDouble(value, increment);
    if (sum.kind !== 'finite') return fail(ERR_INCR_NAN);
    const text = formatLongDouble(sum);
    if (current === undefined) ctx.db.add(key, text);
    else ctx.db.setValue(key, text, true);
    ctx.keyModified(key);
    ctx.notify('$', 'incrbyfloat', key);
    ctx.propagateAs([['SET', key, text, 'KEEPTTL']]);
    return bulk(text);
  },
});
