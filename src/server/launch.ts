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
  persistenceWarning,
  unsupportedSettings,
  type LoadedConfig,
  type RedisConfig,
} from '../config/index.js';
import { allCommands } from '../commands/index.js';
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
  supervisor: Supervisor = UNSUPERVISED,
): Promise<LaunchedServer> {
  const rc = loaded.config;
  const server = await startServer({
    redisConfig: rc,
    log,
    renameCommands: loaded.extras.renameCommands,
  });
  server.state.supervised = supervisor.mode;
  // No persistence yet: say so at start, and refuse a CONFIG SET that asks for an AOF.
  const warning = persistenceWarning(rc);
  if (warning !== undefined) log(warning);
  rc.onApply('appendonly', () => (rc.getBool('appendonly') ? APPENDONLY_UNSUPPORTED : undefined));

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
  return { server, config: rc, stopped, stop };
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
