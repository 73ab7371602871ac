import {
  ERR_DB_INDEX,
  ERR_SWAPDB_FIRST,
  ERR_SWAPDB_SECOND,
  ERR_SYNTAX,
  OK,
  error,
  type Reply,
} from '../../resp/index.js';
import { collectGarbage } from '../../platform/index.js';
import type { Database } from '../../store/index.js';
import { isOption } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { databaseAt, parseCInt } from './common.js';

/** Redis getFlushCommandFlags: nothing, SYNC or ASYNC (both flush at once here: the GC frees memory). */
function validFlushArgs(argv: readonly string[]): boolean {
  if (argv.length === 1) return true;
  return argv.length === 2 && (isOption(argv[1], 'SYNC') || isOption(argv[1], 'ASYNC'));
}

/**
 * Past this many bytes flushed, a full collection runs right after the reply: Redis frees a flushed
 * dataset at once, while V8 would keep it (as RSS) until its heap grows enough to collect again. The
 * collection marks only what is still live, so it is quick once the data is gone.
 */
const COLLECT_AFTER_FLUSH_BYTES = 32 * 2 ** 20;

/** Empties a database, signalling every key so WATCHers abort (Redis counts each key as dirty). */
function flush(ctx: CommandContext, db: Database): void {
  for (const key of db.keys()) ctx.keyModified(key, db);
  const freed = db.usedBytes;
  db.clear();
  if (freed >= COLLECT_AFTER_FLUSH_BYTES) setImmediate(collectGarbage);
}

/** FLUSHDB [ASYNC | SYNC] — removes every key of the selected database; always propagated. */
export const flushdb: CommandSpec = {
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'write', 'slow', 'dangerous'],
  run(ctx, argv): Reply {
    if (!validFlushArgs(argv)) return error(ERR_SYNTAX);
    flush(ctx, ctx.db);
    ctx.propagateAs([argv]);
    return OK;
  },
};

/** FLUSHALL [ASYNC | SYNC] — removes every key of every database; always propagated. */
export const flushall: CommandSpec = {
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'write', 'slow', 'dangerous'],
  run(ctx, argv): Reply {
    if (!validFlushArgs(argv)) return error(ERR_SYNTAX);
    for (const db of ctx.keyspace.databases) flush(ctx, db);
    ctx.propagateAs([argv]);
    return OK;
  },
};

/** SWAPDB index1 index2 — exchanges two databases' contents; clients stay on their index. */
export const swapdb: CommandSpec = {
  name: 'swapdb',
  arity: 3,
  flags: ['write', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'write', 'fast', 'dangerous'],
  run(ctx, argv): Reply {
    const first = parseCInt(argv[1] as string);
    if (first === undefined) return error(ERR_SWAPDB_FIRST);
    const second = parseCInt(argv[2] as string);
    if (second === undefined) return error(ERR_SWAPDB_SECOND);
    const a = databaseAt(ctx, first);
    const b = databaseAt(ctx, second);
    if (a === undefined || b === undefined) return error(ERR_DB_INDEX);
    if (a !== b) {
      a.swapWith(b);
      // A key watched in either database may now read differently.
      for (const db of [a, b]) {
        for (const key of db.keys()) {
          ctx.keyModified(key, a);
          ctx.keyModified(key, b);
        }
      }
    }
    ctx.propagateAs([argv]);
    return OK;
  },
};
