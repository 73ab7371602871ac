/**
 * What the dispatcher does around each command for the server family: the maxmemory check before a
 * command (Redis processCommand's performEvictions + OOM for denyoom commands), and after it the slow
 * log, INFO commandstats/errorstats and the LRU/LFU access bookkeeping.
 *
 * This runs for every command, so the settings it reads are cached by the config until the next
 * CONFIG SET.
 */
import { keysOf, type CommandResult, type CommandSpec } from '../commands/index.js';
import type { RedisConfig } from '../config/index.js';
import { HeapPressure } from '../platform/index.js';
import { ERR_OOM } from '../resp/index.js';
import type { EvictionPolicy, EvictionSettings, Evictor } from '../store/index.js';
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

export class CallHooks {
  private eviction: { readonly generation: number; readonly settings: EvictionSettings } | undefined;
  private readonly heap = new HeapPressure();

  constructor(
    private readonly state: ServerState,
    private readonly evictor: Evictor,
  ) {}

  /** The eviction settings, read again only after a config change (admit and record both need them). */
  private evictionSettings(): EvictionSettings {
    const config = this.state.config;
    const kept = this.eviction;
    if (kept !== undefined && kept.generation === config.generation) return kept.settings;
    const settings = readEvictionSettings(config);
    this.eviction = { generation: config.generation, settings };
    return settings;
  }

  /**
   * Should be called before a command runs (or is queued in MULTI). Evicts keys if maxmemory is
   * exceeded; returns the OOM error when the command may grow memory and nothing could be freed.
   */
  admitUnderMaxmemory(spec: CommandSpec, denyoom: boolean, queuing: boolean): string | undefined {
    // Whatever maxmemory says, a heap about to overflow would abort the process with every key:
    // refuse what may grow memory instead (set maxmemory below the heap to evict by policy).
    if (denyoom && this.heap.underPressure()) return this.refuse(spec);
    const settings = this.evictionSettings();
    if (settings.maxmemory === 0) return undefined;
    const evicted = this.evictor.performEvictions(settings, Date.now(), (db, key) => {
      this.state.keyspaceEvents.notify('e', 'evicted', key, db);
      this.state.stats.evictedKeys++;
      this.state.propagate(db, ['DEL', key]);
    });
    const mayGrow = denyoom || (queuing && spec.name.toLowerCase() === 'exec');
    if (evicted === undefined) return mayGrow ? this.refuse(spec) : undefined;
    return undefined;
  }

  private refuse(spec: CommandSpec): string {
    this.state.commandStats.recordRejected(spec.name.toLowerCase());
    return ERR_OOM;
  }

  /** Should be called after a command ran, with its duration in microseconds. */
  recordCall(
    c: Client,
    spec: CommandSpec,
    argv: readonly string[],
    usec: number,
    result: CommandResult,
    skipSlowlog: boolean,
    nowMs: number,
  ): void {
    const { commandStats: stats, slowlog } = this.state;
    const failed = result.kind === 'error';
    stats.recordCall(c.lastCommand, Math.round(usec), failed);
    if (failed) stats.recordError(result.message);
    if (!skipSlowlog) slowlog.record(spec.name.toLowerCase(), argv, usec, c.addr, c.name, nowMs);
    if (spec.firstKey <= 0) return;
    const settings = this.evictionSettings();
    if (settings.maxmemory === 0 || LOOKUP_NOTOUCH.has(spec.name.toLowerCase())) return;
    for (const key of keysOf(spec, argv)) this.evictor.touch(settings, c.dbIndex, key, nowMs);
  }
}
