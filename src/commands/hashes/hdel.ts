/**
 * HDEL key field [field ...]
 *
 * Removes fields; replies how many existed. A hash left empty is deleted.
 */
import { integer, ZERO } from '../../resp/index.js';
import { deleteField } from '../../store/index.js';
import { guarded, writeTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { afterFieldRemoval } from './common.js';

export const hdel: CommandSpec = {
  name: 'hdel',
  arity: -3,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'hash', 'fast'],
  run: guarded((ctx, argv) => {
    const key = argv[1] as string;
    const hash = writeTyped(ctx, key, 'hash');
    if (hash === undefined) return ZERO;
    let removed = 0;
    for (let i = 2; i < argv.length; i++) if (deleteField(hash, argv[i] as string)) removed++;
    if (removed > 0) afterFieldRemoval(ctx, key, hash);
    return integer(removed);
  }),
};
