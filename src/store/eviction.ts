/**
 * maxmemory eviction (Redis evict.c, approximated): when the estimated dataset is over the limit,
 * sample `maxmemory-samples` candidate keys per database, evict the best one by the policy, and repeat
 * until under the limit. Candidates come from a rotating cursor over each database's Map (JS Maps have
 * no random access; a cursor that survives mutation gives a fair spread at no memory cost).
 *
 * LRU/LFU need to know when a key was last used. That metadata (one number per key) is kept only while
 * an LRU/LFU policy is active with a limit, in a side table fed by `touch` from the dispatcher, so a
 * server without maxmemory pays nothing per key.
 */
import type { Database, Keyspace } from './database.js';
import { estimateKeyBytes } from './memory.js';

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
const BASELINE_BYTES = 880 * 1024;
/** Recompute a database's average key size after this many ms. */
const AVERAGE_TTL_MS = 100;
const AVERAGE_SAMPLE = 64;
/** At most this many keys evicted per command, so one write cannot stall the server. */
const MAX_EVICTIONS_PER_CALL = 10000;
const LFU_INIT_VAL = 5;

interface Average {
  bytesPerKey: number;
  at: number;
}

export class Evictor {
  /** db index → key → last access (ms, LRU) or LFU counter*2^32 + minutes of last decrement. */
  private readonly access = new Map<number, Map<string, number>>();
  private readonly cursors = new Map<string, Iterator<string>>();
  private readonly averages = new Map<number, Average>();

  constructor(private readonly keyspace: Keyspace) {}

  /** Estimated used memory: a baseline plus keys × average key size per database. */
  usedMemory(now: number): number {
    let total = BASELINE_BYTES;
    for (const db of this.keyspace.databases) if (db.size > 0) total += db.size * this.average(db, now);
    return total;
  }

  private average(db: Database, now: number): number {
    const cached = this.averages.get(db.index);
    if (cached !== undefined && now - cached.at < AVERAGE_TTL_MS) return cached.bytesPerKey;
    let bytes = 0;
    let n = 0;
    for (const key of this.sample(db, db.keys(), `avg:${db.index}`, AVERAGE_SAMPLE)) {
      const v = db.peek(key);
      if (v === undefined) continue;
      bytes += estimateKeyBytes(key, v) + (db.getExpire(key) !== undefined ? 24 : 0);
      n++;
    }
    const bytesPerKey = n === 0 ? 0 : bytes / n;
    this.averages.set(db.index, { bytesPerKey, at: now });
    return bytesPerKey;
  }

  /** Should be called after a command used `key` (LRU/LFU bookkeeping); a no-op for other policies. */
  touch(settings: EvictionSettings, dbIndex: number, key: string, now: number): void {
    if (settings.maxmemory === 0) return;
    const lfu = settings.policy.endsWith('-lfu');
    if (!lfu && !settings.policy.endsWith('-lru')) return;
    let table = this.access.get(dbIndex);
    if (table === undefined) {
      table = new Map();
      this.access.set(dbIndex, table);
    }
    if (!lfu) {
      table.set(key, now);
      return;
    }
    const counter = this.decayedCounter(table.get(key), settings, now);
    table.set(key, logIncrement(counter, settings.lfuLogFactor) * 2 ** 32 + Math.floor(now / 60000));
  }

  /**
   * RESTORE … IDLETIME / FREQ (Redis objectSetLRUOrLFU): under an LFU policy the key's counter becomes
   * `freq`; under any other policy its last access becomes `idleSeconds` ago. Whichever does not apply
   * to the policy is ignored, as in Redis.
   */
  setAccess(
    policy: EvictionPolicy,
    dbIndex: number,
    key: string,
    now: number,
    idleSeconds: number | undefined,
    freq: number | undefined,
  ): void {
    let table = this.access.get(dbIndex);
    if (table === undefined) {
      table = new Map();
      this.access.set(dbIndex, table);
    }
    if (policy.endsWith('-lfu')) {
      if (freq !== undefined) table.set(key, freq * 2 ** 32 + Math.floor(now / 60000));
    } else if (idleSeconds !== undefined) {
      table.set(key, now - idleSeconds * 1000);
    }
  }

  /** OBJECT IDLETIME: when the key was last used (ms), while an LRU policy is recording it. */
  lastAccess(dbIndex: number, key: string): number | undefined {
    return this.access.get(dbIndex)?.get(key);
  }

  /** OBJECT FREQ: the key's LFU counter after decay (a key never touched has the initial value). */
  frequency(settings: EvictionSettings, dbIndex: number, key: string, now: number): number {
    return this.decayedCounter(this.access.get(dbIndex)?.get(key), settings, now);
  }

  private decayedCounter(packed: number | undefined, settings: EvictionSettings, now: number): number {
    if (packed === undefined) return LFU_INIT_VAL;
    const counter = Math.floor(packed / 2 ** 32);
    const minutes = packed % 2 ** 32;
    const elapsed = Math.floor(now / 60000) - minutes;
    const periods = settings.lfuDecayTime > 0 ? Math.floor(elapsed / settings.lfuDecayTime) : 0;
    return Math.max(0, counter - periods);
  }

  /**
   * Evicts keys until the estimate is under maxmemory. Returns the evicted (db, key) pairs, or
   * undefined when over the limit and nothing can be evicted (the command then gets -OOM).
   */
  performEvictions(settings: EvictionSettings, now: number): { db: number; key: string }[] | undefined {
    const evicted: { db: number; key: string }[] = [];
    if (settings.maxmemory === 0) return evicted;
    let used = this.usedMemory(now);
    if (used <= settings.maxmemory) return evicted;
    if (settings.policy === 'noeviction') return undefined;
    while (used > settings.maxmemory && evicted.length < MAX_EVICTIONS_PER_CALL) {
      const victim = this.pickVictim(settings, now);
      if (victim === undefined) return undefined;
      const value = victim.db.peek(victim.key);
      used -= value === undefined ? 0 : estimateKeyBytes(victim.key, value);
      victim.db.delete(victim.key);
      victim.db.signalModified(victim.key);
      this.access.get(victim.db.index)?.delete(victim.key);
      evicted.push({ db: victim.db.index, key: victim.key });
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
    const packed = this.access.get(db.index)?.get(key);
    if (policy.endsWith('-lru')) return now - (packed ?? 0);
    return 255 - this.decayedCounter(packed, settings, now);
  }

  /**
   * Up to `count` consecutive keys (in insertion order) from a cursor that resumes where it stopped and
   * wraps around: a sliding window rather than Redis's random picks, which JS Maps cannot do cheaply.
   */
  private sample(db: Database, fresh: IterableIterator<string>, name: string, count: number): string[] {
    const out: string[] = [];
    let cursor = this.cursors.get(name) ?? fresh;
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
    this.cursors.set(name, cursor);
    return out;
  }

  /** Drops LRU/LFU data (policy or maxmemory changed, FLUSHALL). */
  reset(): void {
    this.access.clear();
  }
}

/** Redis LFULogIncr: the counter grows logarithmically, saturating at 255. */
function logIncrement(counter: number, logFactor: number): number {
  if (counter >= 255) return 255;
  const r = Math.random();
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * logFactor + 1);
  return r < p ? counter + 1 : counter;
}
