import type { CommandSpec } from '../types.js';
import { clusterCommands } from './cluster.js';
import { aclCommand } from './acl.js';
import { commandCommand } from './command.js';
import { configCommand } from './config.js';
import { debugCommand } from './debug.js';
import { infoCommand } from './info.js';
import { latencyCommand } from './latency.js';
import { lolwutCommand } from './lolwut.js';
import { memoryCommand } from './memory.js';
import { miscCommands } from './misc.js';
import { moduleCommand } from './module.js';
import { monitorCommand } from './monitor.js';
import { slowlogCommand } from './slowlog.js';

/** The server family. See the command files beside this one. */
export const serverCommands: readonly CommandSpec[] = [
  configCommand,
  aclCommand,
  infoCommand,
  commandCommand,
  slowlogCommand,
  memoryCommand,
  debugCommand,
  latencyCommand,
  lolwutCommand,
  monitorCommand,
  ...miscCommands,
  moduleCommand,
  ...clusterCommands,
];

export { keysOf, keyAccess, type KeyAccess } from './command.js';
