/**
 * HRANDFIELD key [count [WITHVALUES]]
 *
 * Without count: one random field or nil. With count > 0: up to count distinct fields (the whole
 * hash, in its order, when count ≥ its size). With count < 0: |count| fields that may repeat.
 * WITHVALUES adds values: flat in RESP2, [field, value] pairs in RESP3. Picks come from store/hash.ts's
 * randomField (O(1) on big hashes) with the strategies of Redis's hrandfieldWithCountCommand, so a
 * small count costs O(count).
 *
 * Redis would try to build any |count| up to 2^63; we refuse more than MAX_RANDOM_REPLY elements
 * with "value is out of range" rather than exhaust memory.
 */
import {
  ERR_NOT_INTEGER,
  ERR_OUT_OF_RANGE,
  ERR_RANDMEMBER_RANGE,
  ERR_SYNTAX,
  array,
  bulk,
  bulkOrNull,
  EMPTY_ARRAY,
  NULL,
  type Reply,
} from '../../resp/index.js';
import { isOption, parseInt64 } from '../args.js';
import { fail, guarded, readTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { pickDistinct, pickWithRepeats, type RandomSource } from '../random.js';
import { randomField, type HashValue } from '../../store/index.js';

const LONG_MAX = 2n ** 63n - 1n;
export const MAX_RANDOM_REPLY = 2 ** 24;

/** A count for HRANDFIELD/SRANDMEMBER: a long in [-LONG_MAX, LONG_MAX] (LONG_MIN is refused). */
export function parseRandomCount(arg: string): bigint {
  const n = parseInt64(arg);
  if (n === undefined) return fail(ERR_NOT_INTEGER);
  if (BigInt(n) < -LONG_MAX) return fail(ERR_RANDMEMBER_RANGE);
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

export const hrandfield: CommandSpec = {
  name: 'hrandfield',
  arity: -2,
  flags: ['readonly'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'hash', 'slow'],
  tips: ['nondeterministic_output'],
  run: guarded((ctx, argv) => {
    const key = argv[1] as string;
    if (argv.length === 2) {
      const hash = readTyped(ctx, key, 'hash');
      if (hash === undefined) return NULL;
      return bulkOrNull(randomField(hash));
    }
    const wide = parseRandomCount(argv[2] as string);
    const values = argv.length === 4 && isOption(argv[3], 'WITHVALUES');
    if (argv.length > 4 || (argv.length === 4 && !values)) return fail(ERR_SYNTAX);
    if (values && (wide < -LONG_MAX / 2n || wide > LONG_MAX / 2n)) return fail(ERR_OUT_OF_RANGE);
    if (wide < -BigInt(MAX_RANDOM_REPLY)) return fail(ERR_OUT_OF_RANGE);
    const count = Number(wide);
    const hash = readTyped(ctx, key, 'hash');
    if (hash === undefined || count === 0) return EMPTY_ARRAY;
    return withValues(ctx, hash, fieldsFor(hash, count), values);
  }),
};
