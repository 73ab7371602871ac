import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RedisConfig } from '../config/index.js';
import { ensureServerHeap, tuneGarbageCollector } from '../platform/index.js';
import type { SupervisedSetting } from '../server/index.js';

const LEVELS = ['debug', 'verbose', 'notice', 'warning'];

/** The role letter of log lines: M for a master, S for a replica (Redis's server.masterhost test). */
let roleLetter = (): string => 'M';

/** Redis's log line: "pid:M 27 Nov 2026 20:58:26.663 * message". */
function logLine(message: string): string {
  const d = new Date();
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 23);
  return `${process.pid}:${roleLetter()} ${String(d.getUTCDate()).padStart(2, '0')} ${month} ${d.getUTCFullYear()} ${time} * ${message}\n`;
}

/** Notices go to logfile (or stdout when empty), unless loglevel is warning. */
function makeLogger(config: RedisConfig): (message: string) => void {
  const file = config.getString('logfile');
  const quiet = LEVELS.indexOf(config.getString('loglevel')) > LEVELS.indexOf('notice');
  return (message) => {
    const warning = message.startsWith('Warning') || message.startsWith('WARNING');
    if (quiet && !warning) return;
    const line = logLine(message);
    if (file === '') process.stdout.write(line);
    else appendFileSync(file, line);
  };
}

/**
 * `redmesh server [config] [--directive value ...]`: a Redis-compatible server, configured like
 * redis-server (a redis.conf, then `--name value` pairs appended as extra lines).
 */
export function registerServer(program: Command): void {
  program
    .command('server')
    .description(
      'run the Redis-compatible server: redmesh server [redis.conf] [--port 6379 --bind "127.0.0.1 ::1" ...]',
    )
    .argument('[args...]', 'a config file, then --directive value pairs as for redis-server')
    .allowUnknownOption()
    .helpOption('-h, --help')
    .action(async (args: string[]) => {
      process.exitCode = await runServer(args);
    });
}

async function runServer(args: readonly string[]): Promise<number> {
  // First, before any state exists: may re-execute this process (same pid) with a bigger V8 heap.
  const heap = ensureServerHeap();
  tuneGarbageCollector();
  // Loaded here, not at the top: `redmesh vpn` (same binary) loads none of the Redis side's modules
  // (test/vpn/module-graph.test.ts).
  const { daemonize, launchServer, loadServerConfig, superviseFrom } = await import('../server/index.js');
  const { ConfigError } = await import('../config/index.js');
  const file = args[0] !== undefined && !args[0].startsWith('--') ? args[0] : undefined;
  const options = file === undefined ? args : args.slice(1);
  let loaded;
  try {
    loaded = loadServerConfig(file, options);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.format());
      return 1;
    }
    throw err;
  }
  const log = makeLogger(loaded.config);
  const supervisor = superviseFrom(
    loaded.config.getString('supervised') as SupervisedSetting,
    process.env,
    log,
  );
  if (loaded.config.getBool('daemonize') && supervisor.mode === 'no') {
    daemonize();
    return 0;
  }
  let launched;
  try {
    launched = await launchServer(loaded, log, supervisor);
  } catch (err) {
    log(`Warning: ${(err as Error).message}`);
    process.stderr.write(`redmesh server: ${(err as Error).message}\n`);
    return 1;
  }
  const server = launched.server;
  roleLetter = () => (server.replication.role() === 'replica' ? 'S' : 'M');
  const onSignal = (signal: 'SIGTERM' | 'SIGINT'): void => {
    log(`Received ${signal} scheduling shutdown...`);
    launched.stopOnSignal(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  log(`${heap}; set maxmemory below it (see README: memory)`);
  log(`redmesh server ready to accept connections on port ${launched.server.port}`);
  await launched.stopped;
  return 0;
}
