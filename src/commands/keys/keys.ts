import { NULL, bulk, bulkArray, integer, type Reply } from '../../resp/index.js';
import { globMatch } from '../../store/index.js';
import type { CommandSpec } from '../types.js';

/** KEYS pattern — every key matching the glob pattern (expired keys are skipped, not deleted). */
export const keys: CommandSpec = {
  name: 'keys',
  arity: 2,
  flags: ['readonly'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'read', 'slow', 'dangerous'],
  run(ctx, argv): Reply {
    const pattern = argv[1] as string;
    const all = pattern === '*';
    const found: string[] = [];
    for (const key of ctx.db.keys()) {
      if ((all || globMatch(pattern, key)) && !ctx.db.isExpired(key, ctx.now)) found.push(key);
    }
    return bulkArray(found);
  },
};

/**
 * RANDOMKEY — a random key, nil when the database is empty. An expired key it lands on is deleted
 * and another is drawn (Redis dbRandomKey), so the loop ends: each round either returns or removes
 * a key. O(1) per draw (Database.randomKey).
 */
export const randomkey: CommandSpec = {
  name: 'randomkey',
  arity: 1,
  flags: ['readonly'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'read', 'slow'],
  run(ctx): Reply {
    const db = ctx.db;
    for (let picked = db.randomKey(); picked !== undefined; picked = db.randomKey()) {
      if (!db.isExpired(picked, ctx.now)) return bulk(picked);
      // A replica keeps expired keys until the master deletes them: give one back rather than loop.
      if (db.expiryIsMasterDriven) return bulk(picked);
      db.expireIfNeeded(picked, ctx.now);
    }
    return NULL;
  },
};

/** DBSIZE — the number of keys in the selected database (expired-but-not-yet-removed ones included). */
export const dbsize: CommandSpec = {
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'read', 'fast'],
  run: (ctx) => integer(ctx.db.size),
};
