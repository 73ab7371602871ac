/**
 * `redmesh server [file] [--directive value ...]` as a library call: loads the config, refuses what
 * redmesh cannot honour, starts the listeners with it, wires the live config (CONFIG SET changes what
 * the server reads), the pidfile and SHUTDOWN. The CLI only parses flags and prints.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import {
  ConfigError,
  loadConfig,
  unsupportedSettings,
  type LoadedConfig,
  type RedisConfig,
} from '../config/index.js';
import { allCommands, type Scripting } from '../commands/index.js';
import { AofPersistence, RdbPersistence } from '../persistence/index.js';
import type { EvictionPolicy, EvictionSettings } from '../store/index.js';
import { Acl } from './acl/index.js';
import { rdbForReplication } from './replication.js';
import { commandTable } from './state.js';
import { startServer, type RunningServer } from './server.js';
import { libc } from '../platform/index.js';
import { UNSUPERVISED, type Supervisor } from './supervision.js';

export interface LaunchedServer {
  readonly server: RunningServer;
  readonly config: RedisConfig;
  /** Resolves once the server has stopped (SHUTDOWN, a signal, or stop()). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
  /**
   * SIGTERM / SIGINT (shutdown-on-sigterm / -sigint): saves first when save points exist (or the
   * setting says save), then stops. A failed save keeps the server running, as Redis does, unless
   * the setting says force.
   */
  stopOnSignal(signal: 'SIGTERM' | 'SIGINT'): void;
}

/** Loads the file and options; throws ConfigError (bad line, or an unsupported setting). */
export function loadServerConfig(file: string | undefined, options: readonly string[]): LoadedConfig {
  const loaded = loadConfig(file, options);
  const problems = unsupportedSettings(loaded.config);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  // rename-command lines are checked now, so a bad one fails like any other config line.
  commandTable(allCommands, loaded.extras.renameCommands);
  Acl.validateUserLines(loaded.extras.users);
  return loaded;
}

export async function launchServer(
  loaded: LoadedConfig,
  log: (line: string) => void,
  supervisor: Supervisor = UNSUPERVISED,
): Promise<LaunchedServer> {
  const rc = loaded.config;
  let persistence: RdbPersistence | undefined;
  let aof: AofPersistence | undefined;
  let attachAof: () => void = () => undefined;
  const started: { server?: RunningServer } = {};
  let scripting: Scripting | undefined;
  const server = await startServer({
    redisConfig: rc,
    log,
    renameCommands: loaded.extras.renameCommands,
    users: loaded.extras.users,
    beforeListen: (state, core, replayer) => {
      scripting = state.scripting;
      persistence = new RdbPersistence({
        keyspace: core.keyspace,
        config: rc,
        stats: state.stats,
        log,
        inputWaiting: () => state.inputWatch.pending(),
        accessReader: () => {
          const eviction = state.eviction;
          const policy = rc.getString('maxmemory-policy') as EvictionPolicy;
          if (eviction === undefined) return undefined;
          if (policy.endsWith('-lru')) {
            return (db, key) => {
              const last = eviction.lastAccess(db, key);
              return {
                idleSeconds: last === undefined ? 0 : Math.max(0, Math.floor((Date.now() - last) / 1000)),
              };
            };
          }
          if (!policy.endsWith('-lfu')) return undefined;
          const settings: EvictionSettings = {
            maxmemory: rc.getNumber('maxmemory'),
            policy,
            samples: rc.getNumber('maxmemory-samples'),
            lfuLogFactor: rc.getNumber('lfu-log-factor'),
            lfuDecayTime: rc.getNumber('lfu-decay-time'),
          };
          return (db, key) => ({ freq: eviction.frequency(settings, db, key, Date.now()) });
        },
        recordAccess: (db, key, idle, freq) =>
          state.eviction?.setAccess(
            rc.getString('maxmemory-policy') as EvictionPolicy,
            db,
            key,
            Date.now(),
            idle,
            freq,
          ),
        replicationAux: () => started.server?.replication.saveInfo() ?? [],
        functionCodes: () => state.scripting?.libraryCodes() ?? [],
        loadFunctions: (codes) => state.scripting?.replaceLibraries(codes, log),
      });
      aof = new AofPersistence({ keyspace: core.keyspace, config: rc, rdb: persistence, log, replayer });
      persistence.aof = aof;
      const aofRef = aof;
      // Hooked in only once an AOF is on: a server without one keeps propagation's fast path.
      attachAof = () => {
        attachAof = () => undefined;
        state.addPropagator(aofRef.propagator);
        state.beforeReplies.push(() => aofRef.beforeReplies());
      };
      // A replica's full sync replaced the dataset: the AOF starts over from a rewrite (restartAOFAfterSYNC).
      state.afterDatasetReplaced.push(() => aofRef.restart());
      state.persistence = persistence;
    },
    // The dataset loads once the server listens, in slices: clients get LOADING meanwhile (Redis
    // loadDataFromDisk with processEventsWhileBlocked). A corrupt file stops the start, nothing written.
    loadDataset: async () => {
      if (persistence === undefined || aof === undefined) return;
      // With appendonly yes the AOF is the dataset and the RDB is not read (Redis loadDataFromDisk).
      if (rc.getBool('appendonly')) {
        await aof.loadAtStart();
        aof.openAtStart();
        attachAof();
      } else await persistence.loadAtStart();
    },
    onCron: (now) => {
      aof?.beforeReplies();
      persistence?.checkSavePoints(now);
      aof?.cron();
    },
    replicationRdb: () =>
      persistence === undefined ? undefined : rdbForReplication(persistence, rc, scripting),
  });
  started.server = server;
  // PSYNC continuity across a restart: the history saved in the RDB file (repl-id, repl-offset).
  const savedId = persistence?.loadedAux.get('repl-id');
  const savedOffset = Number(persistence?.loadedAux.get('repl-offset'));
  const savedDb = Number(persistence?.loadedAux.get('repl-stream-db') ?? 0);
  if (savedId !== undefined && Number.isSafeInteger(savedOffset) && Number.isSafeInteger(savedDb)) {
    server.replication.restoreHistory(savedId, savedOffset, savedDb);
  }
  server.state.supervised = supervisor.mode;
  // CONFIG SET appendonly yes: rewrite first, then append (startAppendOnly); no: flush and close.
  rc.onApply('appendonly', () => {
    try {
      if (rc.getBool('appendonly')) {
        attachAof();
        aof?.turnOn();
      } else aof?.turnOff();
    } catch (err) {
      return `Failed to ${rc.getBool('appendonly') ? 'start' : 'stop'} the AOF: ${(err as Error).message}`;
    }
    return undefined;
  });

  const pidfile = rc.getString('pidfile');
  if (pidfile !== '') writePidfile(pidfile, log);
  supervisor.ready();

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log('User requested shutdown...');
      supervisor.stopping();
      persistence?.dispose();
      aof?.dispose();
      await server.close();
      if (pidfile !== '') {
        try {
          unlinkSync(pidfile);
        } catch {
          // already gone
        }
      }
      log('Redis is now ready to exit, bye bye...');
      resolveStopped();
    })();
    return stopping;
  };
  server.state.shutdown = {
    shutdown: () => {
      // Let the current reply cycle finish before closing the sockets.
      setImmediate(() => void stop());
    },
  };
  const stopOnSignal = (signal: 'SIGTERM' | 'SIGINT'): void => {
    const flags = rc.format(signal === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint').split(' ');
    const wantSave = flags.includes('save') || (!flags.includes('nosave') && rc.saveParams().length > 0);
    if (wantSave && persistence !== undefined) {
      log('Saving the final RDB snapshot before exiting.');
      if (persistence.saveNow() !== undefined && !flags.includes('force')) {
        log("Error trying to save the DB, can't exit.");
        return;
      }
    }
    void stop();
  };
  return { server, config: rc, stopped, stop, stopOnSignal };
}

/** Redis createPidFile: a pidfile that cannot be written is a warning, and the server runs on. */
function writePidfile(path: string, log: (line: string) => void): void {
  try {
    writeFileSync(path, `${process.pid}\n`);
  } catch (err) {
    const errno = -((err as NodeJS.ErrnoException).errno ?? 0);
    log(`WARNING: Failed to write PID file: ${errno > 0 ? libc().strerror(errno) : String(err)}`);
  }
}
