/**
 * What the dispatcher does around each command for the server family: the maxmemory check before a
 * command (Redis processCommand's performEvictions + OOM for denyoom commands), and after it the slow
 * log, INFO commandstats/errorstats and the LRU/LFU access bookkeeping.
 *
 * This runs for every command, so the settings it reads are cached by the config until the next
 * CONFIG SET.
 */
import { performance } from 'node:perf_hooks';
import { keysOf, type CommandResult, type CommandSpec } from '../commands/index.js';
import type { RedisConfig } from '../config/index.js';
import { HeapPressure, boundHeapHeadroom } from '../platform/index.js';
import { ERR_OOM } from '../resp/index.js';
import type { EvictionPolicy, EvictionSettings, Evictor, Keyspace } from '../store/index.js';
import type { Client } from './client.js';
import type { ServerState } from './state.js';

const readEvictionSettings = (rc: RedisConfig): EvictionSettings => ({
  maxmemory: rc.getNumber('maxmemory'),
  policy: rc.getString('maxmemory-policy') as EvictionPolicy,
  samples: rc.getNumber('maxmemory-samples'),
  lfuLogFactor: rc.getNumber('lfu-log-factor'),
  lfuDecayTime: rc.getNumber('lfu-decay-time'),
});

/**
 * Commands that read their keys without updating the access time (Redis LOOKUP_NOTOUCH, or dbFind):
 * asking about a key's TTL, type, existence, encoding or size does not make it recently used.
 */
const LOOKUP_NOTOUCH: ReadonlySet<string> = new Set([
  'ttl',
  'pttl',
  'expiretime',
  'pexpiretime',
  'type',
  'exists',
  'object|encoding',
  'object|freq',
  'object|idletime',
  'object|refcount',
  'memory|usage',
]);

/** EVAL, EVALSHA, FCALL and their _RO forms: their keys are touched by the commands the script runs. */
const SCRIPT_RUNNERS: ReadonlySet<string> = new Set([
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'fcall',
  'fcall_ro',
]);

/** Redis MAXMEMORY_FLAG_NO_SHARED_INTEGERS: LRU/LFU policies need an access time per value. */
function sharesIntegers(settings: EvictionSettings): boolean {
  return settings.maxmemory === 0 || !/lru|lfu/.test(settings.policy);
}

export class CallHooks {
  private eviction: { readonly generation: number; readonly settings: EvictionSettings } | undefined;
  private latencyTracking: { readonly generation: number; readonly on: boolean } | undefined;
  private readonly heap = new HeapPressure();
  /** Redis pre_command_oom_state: the last admission found memory over maxmemory (scripts read it). */
  outOfMemory = false;

  constructor(
    private readonly state: ServerState,
    private readonly keyspace: Keyspace,
    private readonly evictor: Evictor,
  ) {
    // Keys loaded before the first command (RDB, AOF) are stored under the configured policy.
    this.evictionSettings();
  }

  /** The eviction settings, read again only after a config change (admit and record both need them). */
  private evictionSettings(): EvictionSettings {
    const config = this.state.config;
    const kept = this.eviction;
    if (kept !== undefined && kept.generation === config.generation) return kept.settings;
    const settings = readEvictionSettings(config);
    this.eviction = { generation: config.generation, settings };
    this.keyspace.setShareIntegers(sharesIntegers(settings));
    boundHeapHeadroom(settings.maxmemory);
    return settings;
  }

  /**
   * Should be called before a command runs (or is queued in MULTI). Evicts keys if maxmemory is
   * exceeded; returns the OOM error when the command may grow memory and nothing could be freed.
   */
  admitUnderMaxmemory(spec: CommandSpec, denyoom: boolean, queuing: boolean): string | undefined {
    // Whatever maxmemory says, a heap about to overflow would abort the process with every key:
    // refuse what may grow memory instead (set maxmemory below the heap to evict by policy).
    this.outOfMemory = false;
    if (denyoom && this.heap.underPressure()) return ERR_OOM;
    const settings = this.evictionSettings();
    if (settings.maxmemory === 0) return undefined;
    const started = performance.now();
    let count = 0;
    const evicted = this.evictor.performEvictions(settings, Date.now(), (db, key) => {
      count++;
      this.state.keyspaceEvents.notify('e', 'evicted', key, db);
      this.state.stats.evictedKeys++;
      this.state.propagate(db, ['DEL', key]);
    });
    if (count > 0) {
      this.state.latency.addSampleIfNeeded('eviction-cycle', Math.floor(performance.now() - started));
    }
    const mayGrow = denyoom || (queuing && spec.name.toLowerCase() === 'exec');
    this.outOfMemory = evicted === undefined;
    if (evicted === undefined) return mayGrow ? ERR_OOM : undefined;
    return undefined;
  }

  /** latency-tracking, read again only after a config change. */
  private latencyTrackingOn(): boolean {
    const config = this.state.config;
    const kept = this.latencyTracking;
    if (kept !== undefined && kept.generation === config.generation) return kept.on;
    const on = config.getBool('latency-tracking');
    this.latencyTracking = { generation: config.generation, on };
    return on;
  }

  /** Should be called after a command ran, with its duration in microseconds. */
  recordCall(
    c: Client,
    name: string,
    spec: CommandSpec,
    argv: readonly string[],
    usec: number,
    result: CommandResult,
    skipSlowlog: boolean,
    nowMs: number,
  ): void {
    const { commandStats: stats, slowlog } = this.state;
    const failed = result.kind === 'error';
    stats.recordCall(name, Math.round(usec), failed);
    if (this.latencyTrackingOn()) stats.recordLatency(name, usec);
    const latency = this.state.latency;
    latency.recordCommand(name, usec);
    const ms = Math.floor(usec / 1000);
    if (latency.wants(ms))
      latency.addSampleIfNeeded(spec.flags.includes('fast') ? 'fast-command' : 'command', ms);
    if (failed) stats.recordError(result.message);
    if (!skipSlowlog) slowlog.record(spec.name.toLowerCase(), argv, usec, c.addr, c.name, nowMs);
    // Commands with movable keys (ZUNION, SINTERCARD, LMPOP, SORT…) touch the keys they read too; a
    // script runner does not touch its KEYS: the commands its script runs do.
    if (spec.firstKey <= 0 && spec.keys === undefined) return;
    const settings = this.evictionSettings();
    if (settings.maxmemory === 0) return;
    const lower = spec.name.toLowerCase();
    if (LOOKUP_NOTOUCH.has(lower) || SCRIPT_RUNNERS.has(lower)) return;
    for (const key of keysOf(spec, argv)) this.evictor.touch(settings, c.dbIndex, key, nowMs);
  }
}
