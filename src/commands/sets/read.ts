/**
 * Set reads.
 *
 * SMEMBERS key                       — all members (a RESP3 set).
 * SISMEMBER key member               — 1 or 0.
 * SMISMEMBER key member [member ...] — 1/0 for each.
 * SCARD key                          — the number of members.
 */
import { array, bulk, integer, ONE, set as setReply, ZERO } from '../../resp/index.js';
import { readTyped } from '../typed.js';
import { orderedMembers } from './common.js';
import { defineCommand } from '../define.js';

export const smembers = defineCommand({
  name: 'smembers',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const set = readTyped(ctx, key, 'set');
    return setReply(set === undefined ? [] : orderedMembers(set.members, set.outgrown).map((m) => bulk(m)));
  },
});

export const sismember = defineCommand({
  name: 'sismember',
  parse: (args) => ({ key: args.key(), member: args.string() }),
  apply: (ctx, { key, member }) => (readTyped(ctx, key, 'set')?.members.has(member) === true ? ONE : ZERO),
});

export const smismember = defineCommand({
  name: 'smismember',
  parse: (args) => ({ key: args.key(), members: args.rest() }),
  apply(ctx, { key, members }) {
    const set = readTyped(ctx, key, 'set');
    return array(members.map((m) => (set?.members.has(m) === true ? ONE : ZERO)));
  },
});

export const scard = defineCommand({
  name: 'scard',
  parse: (args) => args.key(),
  apply: (ctx, key) => integer(readTyped(ctx, key, 'set')?.members.size ?? 0),
});
