import { ERR_INCR_NAN, ERR_NOT_FLOAT, bulk, error, type Reply } from '../../resp/index.js';
import type { CommandSpec } from '../types.js';
import { readStringForWrite } from './common.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from './long-double.js';

const ZERO_LD = { kind: 'finite', negative: false, m: 0n, e: 0 } as const;

/**
 * INCRBYFLOAT key increment — adds in x87 long double precision and stores Redis's human format
 * (`%.17Lf` trimmed). Always propagates as `SET key <result> KEEPTTL` so replicas never redo the math.
 */
export const incrbyfloat: CommandSpec = {
  name: 'incrbyfloat',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const key = argv[1] as string;
    const current = readStringForWrite(ctx, key);
    if (typeof current === 'object') return current;
    const value = current === undefined ? ZERO_LD : parseLongDouble(current);
    const increment = parseLongDouble(argv[2] as string);
    if (value === undefined || increment === undefined) return error(ERR_NOT_FLOAT);
    const sum = addLongDouble(value, increment);
    if (sum.kind !== 'finite') return error(ERR_INCR_NAN);
    const text = formatLongDouble(sum);
    if (current === undefined) ctx.db.add(key, text);
    else ctx.db.setValue(key, text, true);
    ctx.keyModified(key);
    ctx.propagateAs([['SET', key, text, 'KEEPTTL']]);
    return bulk(text);
  },
};
