import { ERR_DB_INDEX, ERR_NOT_INTEGER, OK, error } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';

/** SELECT index — switches the connection to database `index`. */
export const select = defineCommand({
  name: 'select',
  parse(args) {
    const index = args.int64();
    return typeof index === 'number' ? index : fail(ERR_NOT_INTEGER);
  },
  apply(ctx, index) {
    if (index < 0 || index >= ctx.keyspace.databases.length) return error(ERR_DB_INDEX);
    ctx.client.dbIndex = index;
    return OK;
  },
});
