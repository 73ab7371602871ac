import {
  ERR_INVALID_CURSOR,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  array,
  bulk,
  bulkArray,
  error,
  type Reply,
} from '../../resp/index.js';
import { globMatch, parseScanCursor, typeOf } from '../../store/index.js';
import { isOption, parseInt64 } from '../args.js';
import type { CommandSpec } from '../types.js';

const DEFAULT_COUNT = 10;

interface ScanOptions {
  count: number;
  pattern: string | undefined;
  type: string | undefined;
}

function parseScanOptions(argv: readonly string[]): ScanOptions | Reply {
  const o: ScanOptions = { count: DEFAULT_COUNT, pattern: undefined, type: undefined };
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i] as string;
    const value = argv[i + 1];
    if (value === undefined) return error(ERR_SYNTAX);
    if (isOption(opt, 'COUNT')) {
      const n = parseInt64(value);
      if (n === undefined) return error(ERR_NOT_INTEGER);
      if (n < 1) return error(ERR_SYNTAX);
      o.count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (isOption(opt, 'MATCH')) {
      o.pattern = value === '*' ? undefined : value;
    } else if (isOption(opt, 'TYPE')) {
      o.type = value.toLowerCase();
    } else return error(ERR_SYNTAX);
  }
  return o;
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] — iterates the keyspace a few keys per call.
 * Every key present for the whole iteration is returned at least once, even while keys are added and
 * removed; a key may come twice (see store/scan.ts for the cursor design). COUNT is the number of
 * keys examined per call; MATCH and TYPE filter them afterwards, so a call may return fewer or none.
 */
export const scan: CommandSpec = {
  name: 'scan',
  arity: -2,
  flags: ['readonly'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'read', 'slow'],
  run(ctx, argv): Reply {
    const cursor = parseScanCursor(argv[1] as string);
    if (cursor === undefined) return error(ERR_INVALID_CURSOR);
    const options = parseScanOptions(argv);
    if ('kind' in options) return options;
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
};
