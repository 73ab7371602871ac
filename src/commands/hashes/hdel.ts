/**
 * HDEL key field [field ...]
 *
 * Removes fields; replies how many existed. A hash left empty is deleted.
 */
import { integer, ZERO } from '../../resp/reply.js';
import { deleteField } from '../../store/index.js';
import { writeTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { afterFieldRemoval } from './common.js';
import { tableRow } from '../define.js';

export const hdel: CommandSpec = {
  ...tableRow('hdel'),
  run: (ctx, argv) => {
    const key = argv[1] as string;
    const hash = writeTyped(ctx, key, 'hash');
    if (hash === undefined) return ZERO;
    let removed = 0;
    for (let i = 2; i < argv.length; i++) if (deleteField(hash, argv[i] as string)) removed++;
    if (removed > 0) afterFieldRemoval(ctx, key, hash);
    return integer(removed);
  },
};
