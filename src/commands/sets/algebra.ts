/**
 * Set algebra. A missing key is an empty set; every key must otherwise be a set (WRONGTYPE).
 *
 * SINTER key [key ...]                          — members in all sets (a RESP3 set).
 * SINTERCARD numkeys key [key ...] [LIMIT limit] — the size of the intersection, counting stops at limit (0 = none).
 * SINTERSTORE destination key [key ...]         — stores the intersection; replies its size.
 * SUNION / SUNIONSTORE                          — members in any set.
 * SDIFF / SDIFFSTORE                            — members of the first set in none of the others.
 *
 * The STORE forms replace the destination whatever its type, and delete it when the result is empty.
 */
import {
  ERR_LIMIT_NEGATIVE,
  ERR_NUMKEYS_NOT_POSITIVE,
  ERR_NUMKEYS_TOO_MANY,
  ERR_SYNTAX,
  bulk,
  integer,
  set as setReply,
  type Reply,
} from '../../resp/index.js';
import { isOption, numkeysKeys } from '../args.js';
import { fail, guarded, readTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { parseLong } from '../args.js';
import { fitsIntset } from '../encoding.js';
import { orderedMembers, storeSet } from './common.js';

type Operation = 'inter' | 'union' | 'diff';

/** The sets at `keys` (undefined for missing keys), type-checking every key like Redis. */
function lookupSets(ctx: CommandContext, keys: readonly string[]): (ReadonlySet<string> | undefined)[] {
  return keys.map((k) => readTyped(ctx, k, 'set')?.members);
}

function intersect(sets: readonly (ReadonlySet<string> | undefined)[], limit = 0): Set<string> {
  const out = new Set<string>();
  if (sets.some((s) => s === undefined || s.size === 0)) return out;
  const bySize = (sets as readonly ReadonlySet<string>[]).slice().sort((a, b) => a.size - b.size);
  const [smallest, ...others] = bySize as [ReadonlySet<string>, ...ReadonlySet<string>[]];
  for (const m of smallest) {
    if (others.every((s) => s.has(m))) out.add(m);
    if (limit > 0 && out.size >= limit) break;
  }
  return out;
}

function combine(op: Operation, sets: readonly (ReadonlySet<string> | undefined)[]): Set<string> {
  if (op === 'inter') return intersect(sets);
  if (op === 'union') {
    const out = new Set<string>();
    for (const s of sets) if (s !== undefined) for (const m of s) out.add(m);
    return out;
  }
  const [first, ...rest] = sets;
  const out = new Set<string>(first ?? []);
  for (const s of rest) if (s !== undefined) for (const m of s) out.delete(m);
  return out;
}

/**
 * Whether Redis 7.0's SDIFFSTORE result is a hash table whatever it holds: its "algorithm 2" (chosen
 * when the first set is large next to the others: |first| × sets / 2 > Σ|set|) adds every member of
 * the first set to a fresh intset before removing the others' members, and the intset converts on
 * the way if the first set would not fit in one. Removals never convert back.
 */
function diffBuiltAsHashTable(
  ctx: CommandContext,
  sets: readonly (ReadonlySet<string> | undefined)[],
): boolean {
  const first = sets[0];
  if (first === undefined) return false;
  const present = sets.filter((s) => s !== undefined);
  const algorithmOne = Math.floor((first.size * present.length) / 2);
  const algorithmTwo = present.reduce((sum, s) => sum + s.size, 0);
  return algorithmOne > algorithmTwo && !fitsIntset(ctx, first);
}

function membersReply(members: ReadonlySet<string>): Reply {
  return setReply(orderedMembers(members).map((m) => bulk(m)));
}

function readSpec(name: string, op: Operation): CommandSpec {
  return {
    name,
    arity: -2,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    categories: ['read', 'set', 'slow'],
    tips: ['nondeterministic_output_order'],
    run: guarded((ctx, argv) => membersReply(combine(op, lookupSets(ctx, argv.slice(1))))),
  };
}

function storeSpec(name: string, op: Operation): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'denyoom'],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    categories: ['write', 'set', 'slow'],
    run: guarded((ctx, argv) => {
      const sets = lookupSets(ctx, argv.slice(2));
      const result = combine(op, sets);
      storeSet(ctx, argv[1] as string, result, op === 'diff' && diffBuiltAsHashTable(ctx, sets));
      return integer(result.size);
    }),
  };
}

export const sinter = readSpec('sinter', 'inter');
export const sunion = readSpec('sunion', 'union');
export const sdiff = readSpec('sdiff', 'diff');
export const sinterstore = storeSpec('sinterstore', 'inter');
export const sunionstore = storeSpec('sunionstore', 'union');
export const sdiffstore = storeSpec('sdiffstore', 'diff');

export const sintercard: CommandSpec = {
  name: 'sintercard',
  arity: -3,
  flags: ['readonly', 'movablekeys'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['read', 'set', 'slow'],
  keys: (argv) => numkeysKeys(argv, 1),
  run: guarded((ctx, argv) => {
    const numkeys = parseLong(argv[1] as string);
    if (numkeys === undefined || numkeys < 1) return fail(ERR_NUMKEYS_NOT_POSITIVE);
    if (numkeys > argv.length - 2) return fail(ERR_NUMKEYS_TOO_MANY);
    let limit = 0;
    for (let j = 2 + numkeys; j < argv.length; j++) {
      const value = argv[j + 1];
      if (!isOption(argv[j], 'LIMIT') || value === undefined) return fail(ERR_SYNTAX);
      const n = parseLong(value);
      if (n === undefined || n < 0) return fail(ERR_LIMIT_NEGATIVE);
      limit = n;
      j++;
    }
    return integer(intersect(lookupSets(ctx, argv.slice(2, 2 + numkeys)), limit).size);
  }),
};
