/**
 * `redmesh server [file] [--directive value ...]` as a library call: loads the config, refuses what
 * redmesh cannot honour, starts the listeners with it, wires the live config (CONFIG SET changes what
 * the server reads), the pidfile and SHUTDOWN. The CLI only parses flags and prints.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import {
  ConfigError,
  APPENDONLY_UNSUPPORTED,
  loadConfig,
  unsupportedSettings,
  type LoadedConfig,
  type RedisConfig,
} from '../config/index.js';
import { RdbPersistence } from '../persistence/index.js';
import {
  CONFIG_SERVICE,
  PERSISTENCE_INFO_SERVICE,
  SHUTDOWN_SERVICE,
  bindServerConfig,
  copyServerConfig,
  type ShutdownService,
} from '../commands/server/index.js';
import { allCommands } from '../commands/index.js';
import { commandTable, defaultConfig } from './state.js';
import { startServer, type RunningServer } from './server.js';

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
  return loaded;
}

export async function launchServer(
  loaded: LoadedConfig,
  log: (line: string) => void,
): Promise<LaunchedServer> {
  const rc = loaded.config;
  const initial = defaultConfig();
  copyServerConfig(rc, initial);
  let persistence: RdbPersistence | undefined;
  const server = await startServer({
    config: initial,
    log,
    renameCommands: loaded.extras.renameCommands,
    // The RDB file is loaded synchronously before anything listens: clients never see a partial
    // dataset (so no LOADING replies), and a corrupt file stops the start with nothing bound or written.
    beforeListen: (state, core) => {
      persistence = new RdbPersistence({ keyspace: core.keyspace, config: rc, stats: state.stats, log });
      persistence.loadAtStart();
      state.services.set(PERSISTENCE_INFO_SERVICE, persistence);
      const p = persistence;
      core.beforeWrite = (db, key) => p.beforeWrite(db, key);
    },
    onCron: (now) => persistence?.checkSavePoints(now),
  });
  server.state.services.set(CONFIG_SERVICE, rc);
  bindServerConfig(rc, server.state);
  // No AOF: refuse a CONFIG SET that asks for one.
  rc.onApply('appendonly', () => (rc.getBool('appendonly') ? APPENDONLY_UNSUPPORTED : undefined));

  const pidfile = rc.getString('pidfile');
  if (pidfile !== '') writeFileSync(pidfile, `${process.pid}\n`);

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log('User requested shutdown...');
      persistence?.dispose();
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
  const shutdown: ShutdownService = {
    shutdown: () => {
      // Let the current reply cycle finish before closing the sockets.
      setImmediate(() => void stop());
    },
  };
  server.state.services.set(SHUTDOWN_SERVICE, shutdown);
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
