/**
 * HDEL key field [field ...]
 *
 * Removes fields; replies how many existed. A hash left empty is deleted.
 */
import { integer, ZERO } from '../../resp/index.js';
import { deleteField } from '../../store/index.js';
import { defineCommand } from '../define.js';
import { writeTyped } from '../typed.js';
import { afterFieldRemoval } from './common.js';

export const hdel = defineCommand({
  name: 'hdel',
  parse: (args) => ({ key: args.key(), fields: args.rest() }),
  apply(ctx, { key, fields }) {
    const hash = writeTyped(ctx, key, 'hash');
    if (hash === undefined) return ZERO;
    let removed = 0;
    for (const field of fields) if (deleteField(hash, field)) removed++;
    if (removed > 0) afterFieldRemoval(ctx, key, hash);
    return integer(removed);
  },
});
