/**
 * What the dispatcher does around each command for the server family: the maxmemory check before a
 * command (Redis processCommand's performEvictions + OOM for denyoom commands), and after it the slow
 * log, INFO commandstats/errorstats and the LRU/LFU access bookkeeping.
 *
 * This runs for every command, so the services it uses are resolved once (on the first command, after
 * the launcher has installed the live config) and the settings it reads are cached by the config until
 * the next CONFIG SET.
 */
import type { CommandResult, CommandSpec } from '../commands/index.js';
import { commandStatsOf, keysOf, redisConfigOf, slowlogOf } from '../commands/server/index.js';
import type { CommandStats, SlowLog } from '../commands/server/index.js';
import type { RedisConfig } from '../config/index.js';
import { ERR_OOM } from '../resp/errors.js';
import { Evictor, type EvictionPolicy, type EvictionSettings, type Keyspace } from '../store/index.js';
import type { Client } from './client.js';
import type { ServerState } from './state.js';

export const EVICTOR_SERVICE = 'evictor';

const readEvictionSettings = (rc: RedisConfig): EvictionSettings => ({
  maxmemory: rc.getNumber('maxmemory'),
  policy: rc.getString('maxmemory-policy') as EvictionPolicy,
  samples: rc.getNumber('maxmemory-samples'),
  lfuLogFactor: rc.getNumber('lfu-log-factor'),
  lfuDecayTime: rc.getNumber('lfu-decay-time'),
});

interface Services {
  readonly config: RedisConfig;
  readonly stats: CommandStats;
  readonly slowlog: SlowLog;
}

export class CallHooks {
  private services: Services | undefined;
  private evictor: Evictor | undefined;
  private eviction: { readonly generation: number; readonly settings: EvictionSettings } | undefined;

  constructor(
    private readonly state: ServerState,
    private readonly keyspace: Keyspace,
  ) {}

  private resolve(): Services {
    if (this.services === undefined) {
      this.services = {
        config: redisConfigOf(this.state),
        stats: commandStatsOf(this.state),
        slowlog: slowlogOf(this.state),
      };
    }
    return this.services;
  }

  private evictorFor(): Evictor {
    if (this.evictor !== undefined) return this.evictor;
    const e = this.state.services.get(EVICTOR_SERVICE);
    this.evictor = e instanceof Evictor ? e : new Evictor(this.keyspace);
    this.state.services.set(EVICTOR_SERVICE, this.evictor);
    return this.evictor;
  }

  /** The eviction settings, read again only after a config change (admit and record both need them). */
  private evictionSettings(): EvictionSettings {
    const config = this.resolve().config;
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
  admitUnderMaxmemory(spec: CommandSpec, queuing: boolean): string | undefined {
    const settings = this.evictionSettings();
    if (settings.maxmemory === 0) return undefined;
    const evicted = this.evictorFor().performEvictions(settings, Date.now());
    if (evicted === undefined) {
      const denied = spec.flags.includes('denyoom') || (queuing && spec.name.toLowerCase() === 'exec');
      if (denied) {
        this.resolve().stats.recordRejected(spec.name.toLowerCase());
        return ERR_OOM;
      }
      return undefined;
    }
    for (const { db, key } of evicted) {
      this.state.stats.evictedKeys++;
      this.state.propagate(db, ['DEL', key]);
    }
    return undefined;
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
    const { stats, slowlog } = this.resolve();
    const failed = result.kind === 'error';
    stats.recordCall(c.lastCommand, Math.round(usec), failed);
    if (failed) stats.recordError(result.message);
    if (!skipSlowlog) slowlog.record(argv, usec, c.addr, c.name, nowMs);
    if (spec.firstKey <= 0) return;
    const settings = this.evictionSettings();
    if (settings.maxmemory === 0) return;
    const evictor = this.evictorFor();
    for (const key of keysOf(spec, argv)) evictor.touch(settings, c.dbIndex, key, nowMs);
  }
}
