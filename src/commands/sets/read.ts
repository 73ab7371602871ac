/**
 * Set reads.
 *
 * SMEMBERS key                       — all members (a RESP3 set).
 * SISMEMBER key member               — 1 or 0.
 * SMISMEMBER key member [member ...] — 1/0 for each.
 * SCARD key                          — the number of members.
 */
import { array, bulk, integer, ONE, set as setReply, ZERO } from '../../resp/index.js';
import { guarded, readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { orderedMembers } from './common.js';

const keyed = { firstKey: 1, lastKey: 1, step: 1 } as const;

export const smembers: CommandSpec = {
  name: 'smembers',
  arity: 2,
  flags: ['readonly'],
  ...keyed,
  categories: ['read', 'set', 'slow'],
  tips: ['nondeterministic_output_order'],
  run: guarded((ctx, argv) => {
    const set = readTyped(ctx, argv[1] as string, 'set');
    return setReply(set === undefined ? [] : orderedMembers(set.members, set.outgrown).map((m) => bulk(m)));
  }),
};

export const sismember: CommandSpec = {
  name: 'sismember',
  arity: 3,
  flags: ['readonly', 'fast'],
  ...keyed,
  categories: ['read', 'set', 'fast'],
  run: guarded((ctx, argv) => {
    const set = readTyped(ctx, argv[1] as string, 'set');
    return set?.members.has(argv[2] as string) === true ? ONE : ZERO;
  }),
};

export const smismember: CommandSpec = {
  name: 'smismember',
  arity: -3,
  flags: ['readonly', 'fast'],
  ...keyed,
  categories: ['read', 'set', 'fast'],
  run: guarded((ctx, argv) => {
    const set = readTyped(ctx, argv[1] as string, 'set');
    return array(argv.slice(2).map((m) => (set?.members.has(m) === true ? ONE : ZERO)));
  }),
};

export const scard: CommandSpec = {
  name: 'scard',
  arity: 2,
  flags: ['readonly', 'fast'],
  ...keyed,
  categories: ['read', 'set', 'fast'],
  run: guarded((ctx, argv) => integer(readTyped(ctx, argv[1] as string, 'set')?.members.size ?? 0)),
};
