/**
 * HINCRBY key field increment        — adds a 64-bit integer to the field (0 when absent).
 * HINCRBYFLOAT key field increment   — adds a float, computed in x87 long double like Redis and
 *                                      stored/replied with "%.17Lf" minus trailing zeros; propagates
 *                                      as HSET key field <result> so replicas store the same bytes.
 */
import {
  INT64_MAX,
  INT64_MIN,
  ERR_HASH_NOT_FLOAT,
  ERR_HASH_NOT_INTEGER,
  ERR_INCR_NAN,
  ERR_NAN_OR_INFINITY,
  ERR_NOT_FLOAT,
  ERR_OVERFLOW,
  bulk,
  integer,
} from '../../resp/index.js';
import { noteHashWrite } from '../encoding.js';
import { parseInt64 } from '../args.js';
import { setField } from '../../store/index.js';
import { fail, writeTyped } from '../typed.js';
import { hashForWrite } from './common.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from '../strings/long-double.js';
import { defineCommand } from '../define.js';

export const hincrby = defineCommand({
  name: 'hincrby',
  parse: (args) => ({ key: args.key(), field: args.string(), incr: args.int64() }),
  apply(ctx, { key, field, incr }) {
    const hash = hashForWrite(ctx, key, writeTyped(ctx, key, 'hash'));
    const current = hash.fields.get(field);
    const base = current === undefined ? 0 : parseInt64(current);
    if (base === undefined) return fail(ERR_HASH_NOT_INTEGER);
    const sum = BigInt(base) + BigInt(incr);
    if (sum < INT64_MIN || sum > INT64_MAX) return fail(ERR_OVERFLOW);
    setField(hash, field, sum.toString());
    noteHashWrite(ctx, hash, field, sum.toString());
    ctx.keyModified(key);
    ctx.notify('h', 'hincrby', key);
    return integer(Number.isSafeInteger(Number(sum)) ? Number(sum) : sum);
  },
});

export const hincrbyfloat = defineCommand({
  name: 'hincrbyfloat',
  parse(args) {
    const key = args.key();
    const field = args.string();
    const incr = parseLongDouble(args.string()) ?? fail(ERR_NOT_FLOAT);
    if (incr.kind !== 'finite') return fail(ERR_NAN_OR_INFINITY);
    return { key, field, incr };
  },
  apply(ctx, { key, field, incr }) {
    const hash = hashForWrite(ctx, key, writeTyped(ctx, key, 'hash'));
    const current = hash.fields.get(field);
    const base = parseLongDouble(current ?? '0');
    if (base === undefined) return fail(ERR_HASH_NOT_FLOAT);
    const sum = addLongDouble(base, incr);
    if (sum.kind !== 'finite') return fail(ERR_INCR_NAN);
    const text = formatLongDouble(sum);
    setField(hash, field, text);
    noteHashWrite(ctx, hash, field, text);
    ctx.keyModified(key);
    ctx.notify('h', 'hincrbyfloat', key);
    ctx.propagateAs([['HSET', key, field, text]]);
    return bulk(text);
  },
});
