import type { CommandSpec } from '../types.js';
import { commandCommand } from './command.js';
import { configCommand } from './config.js';
import { debugCommand } from './debug.js';
import { infoCommand } from './info.js';
import { memoryCommand } from './memory.js';
import { miscCommands } from './misc.js';
import { slowlogCommand } from './slowlog.js';

/** The server family. See the command files beside this one. */
export const serverCommands: readonly CommandSpec[] = [
  configCommand,
  infoCommand,
  commandCommand,
  slowlogCommand,
  memoryCommand,
  debugCommand,
  ...miscCommands,
];

export {
  redisConfigOf,
  slowlogOf,
  commandStatsOf,
  persistenceInfoOf,
  bindServerConfig,
  copyServerConfig,
  CommandStats,
  CONFIG_SERVICE,
  SLOWLOG_SERVICE,
  COMMANDSTATS_SERVICE,
  PERSISTENCE_INFO_SERVICE,
  SHUTDOWN_SERVICE,
  LISTENER_SERVICE,
} from './services.js';
export type { PersistenceInfo, ShutdownService, CommandStat, ListenerService } from './services.js';
export { SlowLog } from './slowlog-store.js';
export type { SlowLogEntry } from './slowlog-store.js';
export { ACTIVE_EXPIRE_SERVICE } from './debug.js';
export { REPLICATION_INFO_SERVICE, infoText } from './info.js';
export type { ReplicationInfo } from './info.js';
export { keysOf } from './command.js';
