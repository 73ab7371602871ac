/**
 * Active expiry (Redis expire.c activeExpireCycle, slow cycle): called `hz` times a second, it samples
 * keys that have a TTL and deletes the expired ones, so memory is reclaimed for keys nobody reads.
 *
 * A JS Map has no random access, so each database keeps a live iterator over its keys with a TTL as a
 * cursor (Redis keeps `expires_cursor` over its hash table); one cycle resumes where the last stopped.
 */
import type { Database, Keyspace } from './database.js';

/** Keys looked at per round in a database (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
export const KEYS_PER_LOOP = 20;
/** Keep sampling a database while more than this share of a round had expired (Redis: 10%). */
export const ACCEPTABLE_STALE = 0.1;

export class ActiveExpirer {
  private readonly cursors = new Map<Database, Iterator<[string, number]>>();
  private nextDb = 0;
  /**
   * False while DEBUG SET-ACTIVE-EXPIRE 0 is in force (Redis server.active_expire_enabled): cycles
   * do nothing, so expired keys stay until something reads them.
   */
  enabled = true;

  constructor(private readonly keyspace: Keyspace) {}

  /** One cycle within `timeLimitMs` of wall time; returns how many keys it expired. */
  cycle(now: number, timeLimitMs: number): number {
    if (!this.enabled) return 0;
    const started = Date.now();
    const dbs = this.keyspace.databases;
    let expired = 0;
    for (let visited = 0; visited < dbs.length; visited++) {
      const db = dbs[this.nextDb % dbs.length] as Database;
      this.nextDb = (this.nextDb + 1) % dbs.length;
      if (db.volatileCount === 0 || db.expiryIsMasterDriven) continue;
      for (;;) {
        const round = this.round(db, now);
        expired += round.expired;
        if (round.sampled === 0 || round.expired <= round.sampled * ACCEPTABLE_STALE) break;
        if (Date.now() - started >= timeLimitMs) return expired;
      }
      if (Date.now() - started >= timeLimitMs) return expired;
    }
    return expired;
  }

  private round(db: Database, now: number): { sampled: number; expired: number } {
    let sampled = 0;
    let expired = 0;
    let cursor = this.cursors.get(db);
    let restarted = false;
    while (sampled < KEYS_PER_LOOP && sampled < db.volatileCount) {
      if (cursor === undefined) {
        if (restarted) break;
        cursor = db.expiryEntries();
        this.cursors.set(db, cursor);
        restarted = true;
      }
      const next = cursor.next();
      if (next.done === true) {
        cursor = undefined;
        this.cursors.delete(db);
        continue;
      }
      sampled++;
      const [key, when] = next.value;
      if (when <= now && db.expireIfNeeded(key, now)) expired++;
    }
    return { sampled, expired };
  }
}
