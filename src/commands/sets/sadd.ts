/**
 * SADD key member [member ...]   — adds members, creating the set; replies how many were new.
 * SREM key member [member ...]   — removes members; replies how many existed. An emptied set is deleted.
 * SMOVE source destination member — moves one member; 1 if it was moved, 0 if not in source.
 */
import { integer, ONE, ZERO } from '../../resp/index.js';
import { noteSetAdd } from '../encoding.js';
import { addMember, removeMember } from '../../store/index.js';
import { guarded, writeTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { afterMemberRemoval, setForAdd } from './common.js';

export const sadd: CommandSpec = {
  name: 'sadd',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'set', 'fast'],
  run: guarded((ctx, argv) => {
    const key = argv[1] as string;
    const set = setForAdd(ctx, key, writeTyped(ctx, key, 'set'));
    let added = 0;
    for (let i = 2; i < argv.length; i++) {
      const member = argv[i] as string;
      if (addMember(set, member)) added++;
      noteSetAdd(ctx, set, member);
    }
    if (added > 0) ctx.keyModified(key);
    return integer(added);
  }),
};

export const srem: CommandSpec = {
  name: 'srem',
  arity: -3,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'set', 'fast'],
  run: guarded((ctx, argv) => {
    const key = argv[1] as string;
    const set = writeTyped(ctx, key, 'set');
    if (set === undefined) return ZERO;
    let removed = 0;
    for (let i = 2; i < argv.length; i++) if (removeMember(set, argv[i] as string)) removed++;
    if (removed > 0) afterMemberRemoval(ctx, key, set);
    return integer(removed);
  }),
};

export const smove: CommandSpec = {
  name: 'smove',
  arity: 4,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['write', 'set', 'fast'],
  run: guarded((ctx, argv) => {
    const [, source = '', destination = '', member = ''] = argv;
    const src = writeTyped(ctx, source, 'set');
    if (src === undefined) return ZERO;
    const dst = writeTyped(ctx, destination, 'set');
    if (src === dst) return src.members.has(member) ? ONE : ZERO;
    if (!removeMember(src, member)) return ZERO;
    afterMemberRemoval(ctx, source, src);
    const target = setForAdd(ctx, destination, dst);
    if (addMember(target, member)) {
      noteSetAdd(ctx, target, member);
      ctx.keyModified(destination);
    }
    return ONE;
  }),
};
