/**
 * maxmemory eviction (Redis evict.c, approximated): when the keyspace's byte count is over the limit,
 * sample `maxmemory-samples` candidate keys per database, evict the best one by the policy, and repeat
 * until under the limit. Candidates come from a rotating cursor over each database's Map (JS Maps have
 * no random access; a cursor that survives mutation gives a fair spread at no memory cost).
 *
 * LRU/LFU need to know when a key was last used. That number is kept with the key in the keyspace's
 * own table (Database.setAccess: 4 bytes per key, made on first use), fed by `touch` from the
 * dispatcher while an LRU/LFU policy is active with a limit, so a server without maxmemory pays
 * nothing per key, and the number goes when its key goes.
 */
import type { Database, Keyspace } from './database.js';
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

export class Evictor {
  /** Sampling cursors, each with the key table it walks (FLUSH and SWAPDB replace a database's table). */
  private readonly cursors = new Map<string, { readonly source: object; cursor: Iterator<string> }>();

  constructor(private readonly keyspace: Keyspace) {
    keyspace.addObserver({
      beforeFlush: (db) => this.forgetCursors(db),
      beforeSwap: (a, b) => {
        this.forgetCursors(a);
        this.forgetCursors(b);
      },
    });
  }

  /**
   * Drops a database's sampling cursors: they hold its old key table, which would stay in memory
   * (a whole flushed dataset) until eviction next samples that database.
   */
  private forgetCursors(db: number): void {
    for (const name of [`a:${db}`, `v:${db}`]) this.cursors.delete(name);
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

  private pickVictim(settings: EvictionSettings, now: number): { db: Database; key: string } | undefined {
    const volatile = settings.policy.startsWith('volatile-');
    let best: { db: Database; key: string; score: number } | undefined;
    for (const db of this.keyspace.databases) {
      if ((volatile ? db.volatileCount : db.size) === 0) continue;
      for (const key of this.sample(
        db,
        volatile ? db.volatileKeys() : db.keys(),
        `${volatile ? 'v' : 'a'}:${db.index}`,
        settings.samples,
      )) {
        if (!db.contains(key)) continue;
        const score = this.score(settings, db, key, now);
        if (best === undefined || score > best.score) best = { db, key, score };
      }
    }
    return best;
  }

  /** Higher = better to evict (Redis's "idle" value). */
  private score(settings: EvictionSettings, db: Database, key: string, now: number): number {
    const policy = settings.policy;
    if (policy.endsWith('-random')) return Math.random();
    if (policy === 'volatile-ttl') return -(db.getExpire(key) ?? Infinity);
    const packed = db.accessOf(key);
    if (policy.endsWith('-lru')) return lruClock(now) - (packed ?? 0);
    return 255 - this.decayedCounter(packed, settings, now);
  }

  /**
   * Up to `count` consecutive keys (in insertion order) from a cursor that resumes where it stopped and
   * wraps around: a sliding window rather than Redis's random picks, which JS Maps cannot do cheaply.
   */
  private sample(db: Database, fresh: IterableIterator<string>, name: string, count: number): string[] {
    const out: string[] = [];
    // A cursor over a table FLUSHALL replaced would offer keys that are gone: start on the new one.
    const kept = this.cursors.get(name);
    let cursor = kept !== undefined && kept.source === db.scanSource ? kept.cursor : fresh;
    let wrapped = false;
    while (out.length < count) {
      const next = cursor.next();
      if (next.done === true) {
        if (wrapped) break;
        wrapped = true;
        const volatile = name.startsWith('v');
        cursor = volatile ? db.volatileKeys() : db.keys();
        // A window that straddles the end would mix the newest keys with the oldest ones and make
        // the oldest look worst; start the window again from the head (unless the pool is tiny).
        if ((volatile ? db.volatileCount : db.size) >= count) out.length = 0;
        continue;
      }
      out.push(next.value);
    }
    this.cursors.set(name, { source: db.scanSource, cursor });
    return out;
  }

  /** Drops LRU/LFU data (policy or maxmemory changed). */
  reset(): void {
    for (const db of this.keyspace.databases) db.clearAccess();
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
