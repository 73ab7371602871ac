/**
 * HINCRBY key field increment        — adds a 64-bit integer to the field (0 when absent).
 * HINCRBYFLOAT key field increment   — adds a float, computed in x87 long double like Redis and
 *                                      stored/replied with "%.17Lf" minus trailing zeros; propagates
 *                                      as HSET key field <result> so replicas store the same bytes.
 */
import { noteHashWrite } from '../encoding.js';
import {
  ERR_HASH_NOT_FLOAT,
  ERR_HASH_NOT_INTEGER,
  ERR_INCR_NAN_OR_INFINITY,
  ERR_NAN_OR_INFINITY,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  bulk,
  integer,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import { setField } from '../../store/index.js';
import { fail, guarded, writeTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { hashForWrite } from './common.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from '../strings/long-double.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const shape = { arity: 4, firstKey: 1, lastKey: 1, step: 1, flags: ['write', 'denyoom', 'fast'] } as const;
const categories = ['write', 'hash', 'fast'];

export const hincrby: CommandSpec = {
  name: 'hincrby',
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    const [, key = '', field = '', incrArg = ''] = argv;
    const incr = parseInt64(incrArg);
    if (incr === undefined) return fail(ERR_NOT_INTEGER);
    const hash = hashForWrite(ctx, key, writeTyped(ctx, key, 'hash'));
    const current = hash.fields.get(field);
    const base = current === undefined ? 0 : parseInt64(current);
    if (base === undefined) return fail(ERR_HASH_NOT_INTEGER);
    const sum = BigInt(base) + BigInt(incr);
    if (sum < INT64_MIN || sum > INT64_MAX) return fail(ERR_OVERFLOW);
    setField(hash, field, sum.toString());
    noteHashWrite(ctx, hash, field, sum.toString());
    ctx.keyModified(key);
    return integer(Number.isSafeInteger(Number(sum)) ? Number(sum) : sum);
  }),
};

export const hincrbyfloat: CommandSpec = {
  name: 'hincrbyfloat',
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    const [, key = '', field = '', incrArg = ''] = argv;
    const incr = parseLongDouble(incrArg);
    if (incr === undefined) return fail(ERR_NOT_FLOAT);
    if (incr.kind !== 'finite') return fail(ERR_NAN_OR_INFINITY);
    const hash = hashForWrite(ctx, key, writeTyped(ctx, key, 'hash'));
    const current = hash.fields.get(field);
    const base = parseLongDouble(current ?? '0');
    if (base === undefined) return fail(ERR_HASH_NOT_FLOAT);
    const sum = addLongDouble(base, incr);
    if (sum.kind !== 'finite') return fail(ERR_INCR_NAN_OR_INFINITY);
    const text = formatLongDouble(sum);
    setField(hash, field, text);
    noteHashWrite(ctx, hash, field, text);
    ctx.keyModified(key);
    ctx.propagateAs([['HSET', key, field, text]]);
    return bulk(text);
  }),
};
