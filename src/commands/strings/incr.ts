import {
  INT64_MAX,
  INT64_MIN,
  ERR_DECR_OVERFLOW,
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  integer,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { readStringForWrite } from './common.js';

/** Redis incrDecrCommand: adds `by` to the integer at `key` (absent = 0), keeping its TTL. */
function incrDecr(ctx: CommandContext, key: string, by: number | bigint): Reply {
  const current = readStringForWrite(ctx, key);
  const value = current === undefined ? 0 : parseInt64(current);
  if (value === undefined) return fail(ERR_NOT_INTEGER);
  let result: number | bigint;
  if (typeof value === 'number' && typeof by === 'number' && Number.isSafeInteger(value + by)) {
    result = value + by;
  } else {
    const sum = BigInt(value) + BigInt(by);
    if (sum < INT64_MIN || sum > INT64_MAX) return fail(ERR_OVERFLOW);
    result = Number.isSafeInteger(Number(sum)) ? Number(sum) : sum;
  }
  const text = String(result);
  if (current === undefined) ctx.db.add(key, text);
  else ctx.db.setValue(key, text, true);
  ctx.keyModified(key);
  ctx.notify('$', 'incrby', key);
  return integer(result);
}

interface IncrArgs {
  readonly key: string;
  readonly by: number | bigint;
}

/** INCR key — +1, creating the key as 0 first; error on non-integers and int64 overflow. */
export const incr = defineCommand({
  name: 'incr',
  parse: (args) => args.key(),
  apply: (ctx, key) => incrDecr(ctx, key, 1),
});

/** DECR key — −1. */
export const decr = defineCommand({
  name: 'decr',
  parse: (args) => args.key(),
  apply: (ctx, key) => incrDecr(ctx, key, -1),
});

/** INCRBY key increment — adds a signed 64-bit increment. */
export const incrby = defineCommand({
  name: 'incrby',
  parse: (args): IncrArgs => ({ key: args.key(), by: args.int64() }),
  apply: (ctx, { key, by }) => incrDecr(ctx, key, by),
});

/** DECRBY key decrement — subtracts; -9223372036854775808 cannot be negated ("decrement would overflow"). */
export const decrby = defineCommand({
  name: 'decrby',
  parse(args): IncrArgs {
    const key = args.key();
    const by = args.int64();
    if (by === INT64_MIN) return fail(ERR_DECR_OVERFLOW);
    return { key, by: typeof by === 'number' ? -by : -by };
  },
  apply: (ctx, { key, by }) => incrDecr(ctx, key, by),
});
