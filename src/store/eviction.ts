/**
 * maxmemory eviction (Redis evict.c): when the keyspace's byte count is over the limit, sample
 * `maxmemory-samples` random keys per database into a pool of the best candidates seen so far (Redis's
 * eviction pool, EVPOOL_SIZE), evict the best one that still exists, and repeat until under the limit.
 * The random policies evict a random key of each database in turn, as Redis does.
 *
 * LRU/LFU need to know when a key was last used. That number is kept with the key in the keyspace's
 * own table (Database.setAccess: 4 bytes per key, made on first use), fed by `touch` from the
 * dispatcher while an LRU/LFU policy is active with a limit, so a server without maxmemory pays
 * nothing per key, and the number goes when its key goes.
 */
import type { Database, Keyspace } from './database.js';
import type { EntrySample } from './dense-table.js';
import type { Value } from './types.js';
import { datasetBytes } from './memory.js';

export type EvictionPolicy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'volatile-lru'
  | 'allkeys-lfu'
  | 'volatile-lfu'
  | 'allkeys-random'
  | 'volatile-random'
  | 'volatile-ttl';

export interface EvictionSettings {
  readonly maxmemory: number;
  readonly policy: EvictionPolicy;
  readonly samples: number;
  readonly lfuLogFactor: number;
  readonly lfuDecayTime: number;
}

/** Fixed bytes counted besides the keys (Redis's used_memory_startup is about this much). */
export const BASELINE_BYTES = 880 * 1024;
/** At most this many keys evicted per command, so one write cannot stall the server. */
const MAX_EVICTIONS_PER_CALL = 10000;
const LFU_INIT_VAL = 5;

/** Candidates kept between evictions (Redis EVPOOL_SIZE). */
const POOL_SIZE = 16;

interface Candidate {
  readonly db: Database;
  readonly key: string;
  /** Higher = better to evict (Redis's "idle" value). */
  readonly score: number;
}

export class Evictor {
  /**
   * The best candidates sampled so far, worst first. Sampling a few keys per eviction finds the
   * oldest of the keyspace only because the good candidates of earlier samples are kept here.
   */
  private pool: Candidate[] = [];
  /** The policy the pooled scores were computed for (a CONFIG SET of the policy empties the pool). */
  private poolPolicy: EvictionPolicy = 'noeviction';
  /** The random policies take a key from each database in turn (Redis's next_db). */
  private nextDb = 0;
  /** Scratch arrays for the keys drawn per database (no allocation per eviction). */
  private readonly drawn: EntrySample<Value> = { count: 0, keys: [], values: [], access: [] };
  private readonly drawnVolatile: EntrySample<number> = { count: 0, keys: [], values: [], access: [] };

  constructor(private readonly keyspace: Keyspace) {
    // Pooled keys of a flushed or swapped database would name other data than they were scored for.
    keyspace.addObserver({
      beforeFlush: () => {
        this.pool = [];
      },
      beforeSwap: () => {
        this.pool = [];
      },
    });
  }

  /**
   * used_memory: a baseline plus the keyspace's byte count (memory.ts), kept on every write — what the
   * data costs, not V8's heap with its uncollected garbage. `now` is kept for callers.
   */
  usedMemory(now?: number): number {
    void now;
    return BASELINE_BYTES + datasetBytes(this.keyspace);
  }

  /** Should be called after a command used `key` (LRU/LFU bookkeeping); a no-op for other policies. */
  touch(settings: EvictionSettings, dbIndex: number, key: string, now: number): void {
    if (settings.maxmemory === 0) return;
    const lfu = settings.policy.endsWith('-lfu');
    if (!lfu && !settings.policy.endsWith('-lru')) return;
    const db = this.keyspace.db(dbIndex);
    if (!lfu) {
      db.setAccess(key, lruClock(now));
      return;
    }
    const counter = this.decayedCounter(db.accessOf(key), settings, now);
    db.setAccess(key, lfuMinutes(now) * 256 + logIncrement(counter, settings.lfuLogFactor));
  }

  /**
   * RESTORE … IDLETIME / FREQ (Redis objectSetLRUOrLFU): under an LFU policy the key's counter becomes
   * `freq`; under any other policy its last access becomes `idleSeconds` ago. Whichever does not apply
   * to the policy is ignored, as in Redis. The key must exist.
   */
  setAccess(
    policy: EvictionPolicy,
    dbIndex: number,
    key: string,
    now: number,
    idleSeconds: number | undefined,
    freq: number | undefined,
  ): void {
    const db = this.keyspace.db(dbIndex);
    // The same forms touch() writes (see lruClock / lfuMinutes).
    if (policy.endsWith('-lfu')) {
      if (freq !== undefined) db.setAccess(key, lfuMinutes(now) * 256 + Math.min(255, Math.max(0, freq)));
    } else if (idleSeconds !== undefined) {
      db.setAccess(key, lruClock(now - idleSeconds * 1000));
    }
  }

  /** OBJECT IDLETIME: when the key was last used (ms), while an LRU policy is recording it. */
  lastAccess(dbIndex: number, key: string): number | undefined {
    const clock = this.keyspace.db(dbIndex).accessOf(key);
    return clock === undefined ? undefined : LRU_EPOCH_MS + (clock - LRU_OFFSET) * LRU_RESOLUTION_MS;
  }

  /** OBJECT FREQ: the key's LFU counter after decay (a key never touched has the initial value). */
  frequency(settings: EvictionSettings, dbIndex: number, key: string, now: number): number {
    return this.decayedCounter(this.keyspace.db(dbIndex).accessOf(key), settings, now);
  }

  private decayedCounter(packed: number | undefined, settings: EvictionSettings, now: number): number {
    if (packed === undefined) return LFU_INIT_VAL;
    const counter = packed & 255;
    const minutes = packed >>> 8;
    // Redis LFUTimeElapsed: the 16-bit minute clock wraps.
    const nowMinutes = lfuMinutes(now);
    const elapsed = nowMinutes >= minutes ? nowMinutes - minutes : 65535 - minutes + nowMinutes;
    const periods = settings.lfuDecayTime > 0 ? Math.floor(elapsed / settings.lfuDecayTime) : 0;
    return Math.max(0, counter - periods);
  }

  /**
   * Evicts keys until the estimate is under maxmemory. Returns the evicted (db, key) pairs, or
   * undefined when over the limit and nothing (more) can be evicted (the command then gets -OOM).
   * `onEvicted` is told of each key as it goes, including those evicted before running out of
   * victims (Redis counts, propagates and announces each one).
   */
  performEvictions(
    settings: EvictionSettings,
    now: number,
    onEvicted?: (db: number, key: string) => void,
  ): { db: number; key: string }[] | undefined {
    const evicted: { db: number; key: string }[] = [];
    if (settings.maxmemory === 0) return evicted;
    let used = this.usedMemory(now);
    if (used <= settings.maxmemory) return evicted;
    if (settings.policy === 'noeviction') return undefined;
    while (used > settings.maxmemory && evicted.length < MAX_EVICTIONS_PER_CALL) {
      const victim = this.pickVictim(settings, now);
      if (victim === undefined) return undefined;
      victim.db.delete(victim.key);
      used = this.usedMemory();
      victim.db.signalModified(victim.key);
      evicted.push({ db: victim.db.index, key: victim.key });
      onEvicted?.(victim.db.index, victim.key);
    }
    return evicted;
  }

  private pickVictim(settings: EvictionSettings, now: number): Candidate | undefined {
    const volatile = settings.policy.startsWith('volatile-');
    if (settings.policy.endsWith('-random')) return this.randomVictim(volatile);
    if (this.poolPolicy !== settings.policy) {
      this.pool = [];
      this.poolPolicy = settings.policy;
    }
    for (const db of this.keyspace.databases) {
      if (volatile) {
        const drawn = this.drawnVolatile;
        db.sampleVolatileKeys(settings.samples, drawn);
        for (let i = 0; i < drawn.count; i++) {
          const key = drawn.keys[i] as string;
          const score =
            settings.policy === 'volatile-ttl'
              ? -(drawn.values[i] as number)
              : this.accessScore(settings, db.accessOf(key), now);
          this.offer(db, key, score);
        }
      } else {
        const drawn = this.drawn;
        db.sampleKeys(settings.samples, drawn);
        for (let i = 0; i < drawn.count; i++) {
          const access = drawn.access[i] as number;
          this.offer(
            db,
            drawn.keys[i] as string,
            this.accessScore(settings, access < 0 ? undefined : access, now),
          );
        }
        drawn.values.length = 0;
      }
    }
    // The best candidate still there (a pooled key may have been deleted, or lost its TTL, since).
    for (let c = this.pool.pop(); c !== undefined; c = this.pool.pop()) {
      if (volatile ? c.db.getExpire(c.key) !== undefined : c.db.contains(c.key)) return c;
    }
    return undefined;
  }

  /** Puts a sampled key in the pool if it is better than the worst there (Redis evictionPoolPopulate). */
  private offer(db: Database, key: string, score: number): void {
    const pool = this.pool;
    if (pool.length === POOL_SIZE && score <= (pool[0] as Candidate).score) return;
    for (const p of pool) if (p.key === key && p.db === db) return;
    let at = pool.length;
    while (at > 0 && (pool[at - 1] as Candidate).score > score) at--;
    pool.splice(at, 0, { db, key, score });
    if (pool.length > POOL_SIZE) pool.shift();
  }

  /** A random key of the next database that has one (with a TTL, for volatile-random). */
  private randomVictim(volatile: boolean): Candidate | undefined {
    const dbs = this.keyspace.databases;
    for (let n = 0; n < dbs.length; n++) {
      const db = dbs[(this.nextDb + n) % dbs.length] as Database;
      let key: string | undefined;
      if (volatile) {
        db.sampleVolatileKeys(1, this.drawnVolatile);
        key = this.drawnVolatile.count === 0 ? undefined : this.drawnVolatile.keys[0];
      } else {
        db.sampleKeys(1, this.drawn);
        key = this.drawn.count === 0 ? undefined : this.drawn.keys[0];
        this.drawn.values.length = 0;
      }
      if (key === undefined) continue;
      this.nextDb = (db.index + 1) % dbs.length;
      return { db, key, score: 0 };
    }
    return undefined;
  }

  /** Higher = better to evict (Redis's "idle" value), from the key's access number (undefined: none). */
  private accessScore(settings: EvictionSettings, packed: number | undefined, now: number): number {
    if (settings.policy.endsWith('-lru')) return lruClock(now) - (packed ?? 0);
    return 255 - this.decayedCounter(packed, settings, now);
  }
}

/**
 * The access data is kept as 32-bit integers, in a typed array beside the key table (a millisecond
 * timestamp would not fit). LRU has a 100 ms clock (Redis: 1 s,
 * LRU_CLOCK_RESOLUTION); LFU packs a 16-bit minute clock with an 8-bit counter, as Redis does.
 */
const LRU_RESOLUTION_MS = 100;
/**
 * Ticks are counted from this process's start, offset by 2^31 so that an access before the start
 * (RESTORE … IDLETIME, an RDB's idle times) fits too: 6.8 years either way in an unsigned 32 bits.
 */
const LRU_EPOCH_MS = Date.now();
const LRU_OFFSET = 2 ** 31;
function lruClock(now: number): number {
  const tick = Math.floor((now - LRU_EPOCH_MS) / LRU_RESOLUTION_MS) + LRU_OFFSET;
  return Math.min(2 ** 32 - 2, Math.max(0, tick));
}
function lfuMinutes(now: number): number {
  return Math.floor(now / 60000) & 65535;
}

/** Redis LFULogIncr: the counter grows logarithmically, saturating at 255. */
function logIncrement(counter: number, logFactor: number): number {
  if (counter >= 255) return 255;
  const r = Math.random();
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * logFactor + 1);
  return r < p ? counter + 1 : counter;
}
