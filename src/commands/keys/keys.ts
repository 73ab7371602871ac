import { NULL, bulk, bulkArray, integer } from '../../resp/index.js';
import { globMatch } from '../../store/index.js';
import { defineCommand } from '../define.js';

/** KEYS pattern — every key matching the glob pattern (expired keys are skipped, not deleted). */
export const keys = defineCommand({
  name: 'keys',
  parse: (args) => args.string(),
  apply(ctx, pattern) {
    const all = pattern === '*';
    const found: string[] = [];
    for (const key of ctx.db.keys()) {
      if ((all || globMatch(pattern, key)) && !ctx.db.isExpired(key, ctx.now)) found.push(key);
    }
    return bulkArray(found);
  },
});

/**
 * RANDOMKEY — a random key, nil when the database is empty. An expired key it lands on is deleted
 * and another is drawn (Redis dbRandomKey), so the loop ends: each round either returns or removes
 * a key. O(1) per draw (Database.randomKey). A replica does not delete: it draws again, and when
 * every key has a TTL (all may be logically expired) gives the 100th expired draw back as Redis does.
 */
export const randomkey = defineCommand({
  name: 'randomkey',
  parse: () => undefined,
  apply(ctx) {
    const db = ctx.db;
    const allVolatile = db.size === db.volatileCount;
    let triesLeft = RANDOMKEY_REPLICA_TRIES;
    for (let picked = db.randomKey(); picked !== undefined; picked = db.randomKey()) {
      if (!db.isExpired(picked, ctx.now)) return bulk(picked);
      if (allVolatile && db.expiryIsMasterDriven && --triesLeft === 0) return bulk(picked);
      db.expireIfNeeded(picked, ctx.now);
    }
    return NULL;
  },
});

/** dbRandomKey's maxtries: draws a replica makes among only-volatile keys before it gives up. */
const RANDOMKEY_REPLICA_TRIES = 100;

/** DBSIZE — the number of keys in the selected database (expired-but-not-yet-removed ones included). */
export const dbsize = defineCommand({
  name: 'dbsize',
  parse: () => undefined,
  apply: (ctx) => integer(ctx.db.size),
});
