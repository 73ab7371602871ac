/**
 * SADD key member [member ...]   — adds members, creating the set; replies how many were new.
 * SREM key member [member ...]   — removes members; replies how many existed. An emptied set is deleted.
 * SMOVE source destination member — moves one member; 1 if it was moved, 0 if not in source.
 */
import { integer, ONE, ZERO } from '../../resp/index.js';
import { noteSetAdd } from '../encoding.js';
import { addMember, removeMember } from '../../store/index.js';
import { writeTyped } from '../typed.js';
import { afterMemberRemoval, setForAdd } from './common.js';
import { defineCommand } from '../define.js';

export const sadd = defineCommand({
  name: 'sadd',
  parse: (args) => ({ key: args.key(), members: args.rest() }),
  apply(ctx, { key, members }) {
    const set = setForAdd(ctx, key, writeTyped(ctx, key, 'set'));
    let added = 0;
    for (const member of members) {
      if (addMember(set, member)) added++;
      noteSetAdd(ctx, set, member);
    }
    if (added > 0) {
      ctx.keyModified(key);
      ctx.notify('s', 'sadd', key);
    }
    return integer(added);
  },
});

export const srem = defineCommand({
  name: 'srem',
  parse: (args) => ({ key: args.key(), members: args.rest() }),
  apply(ctx, { key, members }) {
    const set = writeTyped(ctx, key, 'set');
    if (set === undefined) return ZERO;
    let removed = 0;
    for (const member of members) if (removeMember(set, member)) removed++;
    if (removed > 0) afterMemberRemoval(ctx, key, set, 'srem');
    return integer(removed);
  },
});

export const smove = defineCommand({
  name: 'smove',
  parse: (args) => ({ source: args.key(), destination: args.key(), member: args.string() }),
  apply(ctx, { source, destination, member }) {
    const src = writeTyped(ctx, source, 'set');
    if (src === undefined) return ZERO;
    const dst = writeTyped(ctx, destination, 'set');
    if (src === dst) return src.members.has(member) ? ONE : ZERO;
    if (!removeMember(src, member)) return ZERO;
    afterMemberRemoval(ctx, source, src, 'srem');
    const target = setForAdd(ctx, destination, dst);
    if (addMember(target, member)) {
      noteSetAdd(ctx, target, member);
      ctx.keyModified(destination);
      ctx.notify('s', 'sadd', destination);
    }
    return ONE;
  },
});
