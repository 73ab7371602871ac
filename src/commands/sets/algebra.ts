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
import { numkeysKeys } from '../args.js';
import { fail, readTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { fitsIntset } from '../encoding.js';
import { orderedMembers, storeSet } from './common.js';
import { defineCommand } from '../define.js';

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

function readCommand(name: string, op: Operation): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => args.rest(),
    apply: (ctx, keys) => membersReply(combine(op, lookupSets(ctx, keys))),
  });
}

function storeCommand(name: string, op: Operation): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => ({ destination: args.key(), keys: args.rest() }),
    apply(ctx, { destination, keys }) {
      const sets = lookupSets(ctx, keys);
      const result = combine(op, sets);
      storeSet(ctx, destination, result, name, op === 'diff' && diffBuiltAsHashTable(ctx, sets));
      return integer(result.size);
    },
  });
}

export const sinter = readCommand('sinter', 'inter');
export const sunion = readCommand('sunion', 'union');
export const sdiff = readCommand('sdiff', 'diff');
export const sinterstore = storeCommand('sinterstore', 'inter');
export const sunionstore = storeCommand('sunionstore', 'union');
export const sdiffstore = storeCommand('sdiffstore', 'diff');

export const sintercard = defineCommand({
  name: 'sintercard',
  keys: (argv) => numkeysKeys(argv, 1),
  parse(args) {
    const numkeys = args.integer(ERR_NUMKEYS_NOT_POSITIVE);
    if (numkeys < 1) return fail(ERR_NUMKEYS_NOT_POSITIVE);
    if (numkeys > args.remaining) return fail(ERR_NUMKEYS_TOO_MANY);
    const keys: string[] = [];
    while (keys.length < numkeys) keys.push(args.key());
    let limit = 0;
    while (!args.done) {
      if (args.remaining < 2 || !args.option('LIMIT')) return fail(ERR_SYNTAX);
      limit = args.integer(ERR_LIMIT_NEGATIVE);
      if (limit < 0) return fail(ERR_LIMIT_NEGATIVE);
    }
    return { keys, limit };
  },
  apply: (ctx, { keys, limit }) => integer(intersect(lookupSets(ctx, keys), limit).size),
});
