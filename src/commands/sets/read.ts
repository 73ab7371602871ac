/**
 * Set reads.
 *
 * SMEMBERS key                       — all members (a RESP3 set).
 * SISMEMBER key member               — 1 or 0.
 * SMISMEMBER key member [member ...] — 1/0 for each.
 * SCARD key                          — the number of members.
 */
import { array, bulk, integer, ONE, set as setReply, ZERO } from '../../resp/reply.js';
import { readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { orderedMembers } from './common.js';
import { tableRow } from '../define.js';

export const smembers: CommandSpec = {
  ...tableRow('smembers'),
  run: (ctx, argv) => {
    const set = readTyped(ctx, argv[1] as string, 'set');
    return setReply(set === undefined ? [] : orderedMembers(set.members, set.outgrown).map((m) => bulk(m)));
  },
};

export const sismember: CommandSpec = {
  ...tableRow('sismember'),
  run: (ctx, argv) => {
    const set = readTyped(ctx, argv[1] as string, 'set');
    return set?.members.has(argv[2] as string) === true ? ONE : ZERO;
  },
};

export const smismember: CommandSpec = {
  ...tableRow('smismember'),
  run: (ctx, argv) => {
    const set = readTyped(ctx, argv[1] as string, 'set');
    return array(argv.slice(2).map((m) => (set?.members.has(m) === true ? ONE : ZERO)));
  },
};

export const scard: CommandSpec = {
  ...tableRow('scard'),
  run: (ctx, argv) => integer(readTyped(ctx, argv[1] as string, 'set')?.members.size ?? 0),
};
