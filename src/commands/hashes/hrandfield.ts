/**
 * HRANDFIELD key [count [WITHVALUES]]
 *
 * Without count: one random field or nil. With count > 0: up to count distinct fields (the whole
 * hash, in its order, when count ≥ its size). With count < 0: |count| fields that may repeat.
 * WITHVALUES adds values: flat in RESP2, [field, value] pairs in RESP3. Picks come from store/hash.ts's
 * randomField (O(1) on big hashes) with the strategies of Redis's hrandfieldWithCountCommand, so a
 * small count costs O(count).
 *
 * The count is checked as Redis 7.0 checks it (LONG_MIN, and WITHVALUES beyond ±LONG_MAX/2, are out of
 * range before the key is read); a missing key then answers an empty array and a wrong type WRONGTYPE
 * whatever the count. Redis would then try to build any |count| up to 2^63 in memory (7.0.15 was
 * OOM-killed at ~23 GB answering one); for an existing hash we refuse more than MAX_RANDOM_REPLY
 * elements with "value is out of range" rather than exhaust memory (a deliberate difference).
 */
import {
  INT64_MAX,
  ERR_NOT_INTEGER,
  ERR_OUT_OF_RANGE,
  ERR_RANDMEMBER_RANGE,
  array,
  bulk,
  bulkOrNull,
  EMPTY_ARRAY,
  NULL,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import { fail, readTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { pickDistinct, pickWithRepeats, type RandomSource } from '../random.js';
import { randomField, type HashValue } from '../../store/index.js';
import { defineCommand } from '../define.js';

export const MAX_RANDOM_REPLY = 2 ** 24;

/** A count for HRANDFIELD/SRANDMEMBER: a long in [-INT64_MAX, LONG_MAX] (LONG_MIN is refused). */
export function parseRandomCount(arg: string): bigint {
  const n = parseInt64(arg);
  if (n === undefined) return fail(ERR_NOT_INTEGER);
  if (BigInt(n) < -INT64_MAX) return fail(ERR_RANDMEMBER_RANGE);
  return BigInt(n);
}

function withValues(ctx: CommandContext, hash: HashValue, fields: readonly string[], values: boolean): Reply {
  if (!values) return array(fields.map((f) => bulk(f)));
  const valueOf = (f: string): Reply => bulk(hash.fields.get(f) as string);
  if (ctx.client.protocol === 3) return array(fields.map((f) => array([bulk(f), valueOf(f)])));
  return array(fields.flatMap((f) => [bulk(f), valueOf(f)]));
}

function sourceOf(hash: HashValue): RandomSource {
  return {
    size: hash.fields.size,
    pick: () => randomField(hash) as string,
    all: () => [...hash.fields.keys()],
  };
}

/** The fields for a count: |count| with repeats, all in hash order, or distinct ones (O(count) when small). */
function fieldsFor(hash: HashValue, count: number): string[] {
  if (count < 0) return pickWithRepeats(sourceOf(hash), -count);
  if (count >= hash.fields.size) return [...hash.fields.keys()];
  return pickDistinct(sourceOf(hash), count);
}

/** No count: one field; a count: the fields for it, WITHVALUES adding their values. */
type RandfieldArgs =
  | { readonly key: string; readonly single: true }
  | { readonly key: string; readonly single: false; readonly count: number; readonly values: boolean };

export const hrandfield = defineCommand({
  name: 'hrandfield',
  parse(args): RandfieldArgs {
    const key = args.key();
    if (args.done) return { key, single: true };
    const wide = parseRandomCount(args.string());
    const values = args.option('WITHVALUES');
    args.end();
    if (values && (wide < -INT64_MAX / 2n || wide > INT64_MAX / 2n)) return fail(ERR_OUT_OF_RANGE);
    return { key, single: false, count: Number(wide), values };
  },
  apply(ctx, parsed) {
    const hash = readTyped(ctx, parsed.key, 'hash');
    if (parsed.single) return hash === undefined ? NULL : bulkOrNull(randomField(hash));
    if (hash === undefined || parsed.count === 0) return EMPTY_ARRAY;
    if (parsed.count < -MAX_RANDOM_REPLY) return fail(ERR_OUT_OF_RANGE);
    return withValues(ctx, hash, fieldsFor(hash, parsed.count), parsed.values);
  },
});
