import { collectGarbage } from '../../platform/index.js';
import { ERR_DB_INDEX, ERR_SWAPDB_FIRST, ERR_SWAPDB_SECOND, OK, error } from '../../resp/index.js';
import type { Database } from '../../store/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { databaseAt, parseCInt } from './common.js';

/**
 * Redis getFlushCommandFlags: nothing, SYNC or ASYNC (both flush at once here: the GC frees memory).
 * The command line is kept: FLUSHDB/FLUSHALL propagate as sent.
 */
function parseFlushArgs(args: ArgCursor): readonly string[] {
  if (!args.done) args.oneOf('SYNC', 'ASYNC');
  args.end();
  return args.argv;
}

/**
 * Past this many bytes flushed, a full collection runs right after the reply: Redis frees a flushed
 * dataset at once, while V8 would keep it (as RSS) until its heap grows enough to collect again. The
 * collection marks only what is still live, so it is quick once the data is gone.
 */
const COLLECT_AFTER_FLUSH_BYTES = 32 * 2 ** 20;

/** Empties a database whose flush was already signalled (ctx.databasesFlushed). */
function flush(db: Database): void {
  const freed = db.usedBytes;
  db.clear();
  if (freed >= COLLECT_AFTER_FLUSH_BYTES) setImmediate(collectGarbage);
}

/**
 * Redis flushAllDataAndResetRDB: with save points, the emptied dataset is saved at once, after which
 * nothing is unsaved (7.0.15 reports rdb_changes_since_last_save:0; the server adds the command's
 * per-key count after this returns, hence the offset).
 */
function saveAfterFlushall(ctx: CommandContext, flushed: number): void {
  const persistence = ctx.server.persistence;
  if (persistence === undefined || !persistence.hasSavePoints()) return;
  persistence.saveNow();
  ctx.server.stats.dirty = -flushed;
}

/** FLUSHDB [ASYNC | SYNC] — removes every key of the selected database; always propagated. */
export const flushdb = defineCommand({
  name: 'flushdb',
  parse: parseFlushArgs,
  apply(ctx, argv) {
    ctx.databasesFlushed([ctx.db]);
    flush(ctx.db);
    ctx.propagateAs([argv]);
    return OK;
  },
});

/** FLUSHALL [ASYNC | SYNC] — removes every key of every database; always propagated. */
export const flushall = defineCommand({
  name: 'flushall',
  parse: parseFlushArgs,
  apply(ctx, argv) {
    ctx.server.persistence?.abortBackgroundSave();
    let flushed = 0;
    ctx.databasesFlushed(ctx.keyspace.databases);
    for (const db of ctx.keyspace.databases) {
      flushed += db.size;
      flush(db);
    }
    saveAfterFlushall(ctx, flushed);
    ctx.propagateAs([argv]);
    return OK;
  },
});

/** SWAPDB index1 index2 — exchanges two databases' contents; clients stay on their index. */
export const swapdb = defineCommand({
  name: 'swapdb',
  parse: (args) => ({
    first: parseCInt(args.string()) ?? fail(ERR_SWAPDB_FIRST),
    second: parseCInt(args.string()) ?? fail(ERR_SWAPDB_SECOND),
    argv: args.argv,
  }),
  apply(ctx, { first, second, argv }) {
    const a = databaseAt(ctx, first);
    const b = databaseAt(ctx, second);
    if (a === undefined || b === undefined) return error(ERR_DB_INDEX);
    if (a !== b) {
      a.swapWith(b);
      // A key watched in either database may now read differently.
      ctx.databasesSwapped(a, b);
    }
    ctx.propagateAs([argv]);
    return OK;
  },
});
