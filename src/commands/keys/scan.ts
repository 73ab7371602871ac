import { array, bulk, bulkArray } from '../../resp/index.js';
import { globMatch, typeOf } from '../../store/index.js';
import { defineCommand } from '../define.js';
import { parseKeyspaceScanOptions } from '../scan.js';

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] — iterates the keyspace a few keys per call.
 * Every key present for the whole iteration is returned at least once, even while keys are added and
 * removed; a key may come twice (see store/scan.ts for the cursor design). COUNT is the number of
 * keys examined per call; MATCH and TYPE filter them afterwards, so a call may return fewer or none.
 */
export const scan = defineCommand({
  name: 'scan',
  parse: (args) => ({ cursor: args.scanCursor(), options: parseKeyspaceScanOptions(args) }),
  apply(ctx, { cursor, options }) {
    const db = ctx.db;
    const source = db.scanSource;
    const cursors = ctx.keyspace.scanCursors;
    const iterator = cursors.resume(cursor, source, () => db.keys());
    const found: string[] = [];
    let examined = 0;
    let done = false;
    while (examined < options.count) {
      const next = iterator.next();
      if (next.done === true) {
        done = true;
        break;
      }
      examined++;
      const key = next.value;
      if (options.pattern !== undefined && !globMatch(options.pattern, key)) continue;
      if (db.expireIfNeeded(key, ctx.now)) continue;
      if (options.type !== undefined) {
        const value = db.peek(key);
        if (value === undefined || typeOf(value) !== options.type) continue;
      }
      found.push(key);
    }
    const nextCursor = done ? 0n : cursors.park(source, iterator);
    return array([bulk(String(nextCursor)), bulkArray(found)]);
  },
});
