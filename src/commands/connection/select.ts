import { ERR_DB_INDEX, ERR_NOT_INTEGER, OK, error, type Reply } from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import type { CommandSpec } from '../types.js';

/** SELECT index — switches the connection to database `index`. */
export const select: CommandSpec = {
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['fast', 'connection'],
  run(ctx, argv): Reply {
    const index = parseInt64(argv[1] as string);
    if (typeof index !== 'number') return error(ERR_NOT_INTEGER);
    if (index < 0 || index >= ctx.keyspace.databases.length) return error(ERR_DB_INDEX);
    ctx.client.dbIndex = index;
    return OK;
  },
};
