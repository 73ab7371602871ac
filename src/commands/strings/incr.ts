import {
  ERR_DECR_OVERFLOW,
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { readStringForWrite } from './common.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Redis incrDecrCommand: adds `by` to the integer at `key` (absent = 0), keeping its TTL. */
function incrDecr(ctx: CommandContext, key: string, by: number | bigint): Reply {
  const current = readStringForWrite(ctx, key);
  if (typeof current === 'object') return current;
  const value = current === undefined ? 0 : parseInt64(current);
  if (value === undefined) return error(ERR_NOT_INTEGER);
  let result: number | bigint;
  if (typeof value === 'number' && typeof by === 'number' && Number.isSafeInteger(value + by)) {
    result = value + by;
  } else {
    const sum = BigInt(value) + BigInt(by);
    if (sum < INT64_MIN || sum > INT64_MAX) return error(ERR_OVERFLOW);
    result = Number.isSafeInteger(Number(sum)) ? Number(sum) : sum;
  }
  const text = String(result);
  if (current === undefined) ctx.db.add(key, text);
  else ctx.db.setValue(key, text, true);
  ctx.keyModified(key);
  return integer(result);
}

function incrementArg(arg: string): number | bigint | undefined {
  return parseInt64(arg);
}

/** INCR key — +1, creating the key as 0 first; error on non-integers and int64 overflow. */
export const incr: CommandSpec = {
  name: 'incr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run: (ctx, argv) => incrDecr(ctx, argv[1] as string, 1),
};

/** DECR key — −1. */
export const decr: CommandSpec = {
  name: 'decr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run: (ctx, argv) => incrDecr(ctx, argv[1] as string, -1),
};

/** INCRBY key increment — adds a signed 64-bit increment. */
export const incrby: CommandSpec = {
  name: 'incrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const by = incrementArg(argv[2] as string);
    if (by === undefined) return error(ERR_NOT_INTEGER);
    return incrDecr(ctx, argv[1] as string, by);
  },
};

/** DECRBY key decrement — subtracts; -9223372036854775808 cannot be negated ("decrement would overflow"). */
export const decrby: CommandSpec = {
  name: 'decrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const by = incrementArg(argv[2] as string);
    if (by === undefined) return error(ERR_NOT_INTEGER);
    if (by === INT64_MIN) return error(ERR_DECR_OVERFLOW);
    return incrDecr(ctx, argv[1] as string, typeof by === 'number' ? -by : -by);
  },
};
