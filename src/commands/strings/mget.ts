import { NULL, array, bulk, type Reply } from '../../resp/reply.js';
import type { CommandSpec } from '../types.js';
import { tableRow } from '../define.js';

/** MGET key [key …] — the string value of each key; nil for absent keys and for other types. */
export const mget: CommandSpec = {
  ...tableRow('mget'),
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
