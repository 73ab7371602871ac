import { NULL, array, bulk, type Reply } from '../../resp/index.js';
import { defineCommand } from '../define.js';

/** MGET key [key …] — the string value of each key; nil for absent keys and for other types. */
export const mget = defineCommand({
  name: 'mget',
  parse: (args) => args.rest(),
  apply(ctx, keys) {
    const items: Reply[] = [];
    for (const key of keys) {
      const value = ctx.db.lookupRead(key, ctx.now);
      if (typeof value === 'string') items.push(bulk(value));
      else items.push(value?.type === 'string' ? bulk(value.text()) : NULL);
    }
    return array(items);
  },
});
