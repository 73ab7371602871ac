import { NULL, array, bulk, type Reply } from '../../resp/index.js';
import type { CommandSpec } from '../types.js';

/** MGET key [key …] — the string value of each key; nil for absent keys and for other types. */
export const mget: CommandSpec = {
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  categories: ['read', 'string', 'fast'],
  run(ctx, argv): Reply {
    const items: Reply[] = [];
    for (let j = 1; j < argv.length; j++) {
      const value = ctx.db.lookupRead(argv[j] as string, ctx.now);
      if (typeof value === 'string') items.push(bulk(value));
      else items.push(value?.type === 'string' ? bulk(value.text()) : NULL);
    }
    return array(items);
  },
};
