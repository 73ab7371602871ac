/**
 * What the dispatcher does around each command for the server family: the maxmemory check before a
 * command (Redis processCommand's performEvictions + OOM for denyoom commands), and after it the slow
 * log, INFO commandstats/errorstats and the LRU/LFU access bookkeeping.
 */
import type { CommandResult, CommandSpec } from '../commands/index.js';
import { commandStatsOf, keysOf, redisConfigOf, slowlogOf } from '../commands/server/index.js';
import { ERR_OOM } from '../resp/errors.js';
import { Evictor, type EvictionPolicy, type EvictionSettings, type Keyspace } from '../store/index.js';
import type { Client } from './client.js';
import type { ServerState } from './state.js';

export const EVICTOR_SERVICE = 'evictor';

function evictorOf(state: ServerState, keyspace: Keyspace): Evictor {
  const e = state.services.get(EVICTOR_SERVICE);
  if (e instanceof Evictor) return e;
  const created = new Evictor(keyspace);
  state.services.set(EVICTOR_SERVICE, created);
  return created;
}

function evictionSettings(state: ServerState): EvictionSettings {
  const rc = redisConfigOf(state);
  return {
    maxmemory: rc.getNumber('maxmemory'),
    policy: rc.getString('maxmemory-policy') as EvictionPolicy,
    samples: rc.getNumber('maxmemory-samples'),
    lfuLogFactor: rc.getNumber('lfu-log-factor'),
    lfuDecayTime: rc.getNumber('lfu-decay-time'),
  };
}

/**
 * Should be called before a command runs (or is queued in MULTI). Evicts keys if maxmemory is
 * exceeded; returns the OOM error when the command may grow memory and nothing could be freed.
 */
export function admitUnderMaxmemory(
  state: ServerState,
  keyspace: Keyspace,
  spec: CommandSpec,
  queuing: boolean,
): string | undefined {
  const settings = evictionSettings(state);
  if (settings.maxmemory === 0) return undefined;
  const evicted = evictorOf(state, keyspace).performEvictions(settings, Date.now());
  if (evicted === undefined) {
    const denied = spec.flags.includes('denyoom') || (queuing && spec.name.toLowerCase() === 'exec');
    if (denied) {
      commandStatsOf(state).recordRejected(spec.name.toLowerCase());
      return ERR_OOM;
    }
    return undefined;
  }
  for (const { db, key } of evicted) {
    state.stats.evictedKeys++;
    state.propagate(db, ['DEL', key]);
  }
  return undefined;
}

/** Should be called after a command ran, with its duration in microseconds. */
export function recordCall(
  state: ServerState,
  c: Client,
  spec: CommandSpec,
  argv: readonly string[],
  usec: number,
  result: CommandResult,
): void {
  const failed = result.kind === 'error';
  const stats = commandStatsOf(state);
  stats.recordCall(c.lastCommand, Math.round(usec), failed);
  if (failed) stats.recordError(result.message);
  if (!spec.flags.includes('skip_slowlog')) slowlogOf(state).record(argv, usec, c.addr, c.name, Date.now());
  const settings = evictionSettings(state);
  if (settings.maxmemory === 0 || spec.firstKey <= 0) return;
  const evictor = evictorOf(state, c.ctx.keyspace);
  const now = Date.now();
  for (const key of keysOf(spec, argv)) evictor.touch(settings, c.dbIndex, key, now);
}
