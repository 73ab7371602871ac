import type { CommandSpec } from './types.js';
import { connectionCommands } from './connection/index.js';
import { geoCommands } from './geo/index.js';
import { hashesCommands } from './hashes/index.js';
import { hllCommands } from './hll/index.js';
import { keysCommands } from './keys/index.js';
import { listsCommands } from './lists/index.js';
import { pubsubCommands } from './pubsub/index.js';
import { replicationCommands } from './replication/index.js';
import { scriptingCommands } from './scripting/index.js';
import { serverCommands } from './server/index.js';
import { setsCommands } from './sets/index.js';
import { streamsCommands } from './streams/index.js';
import { stringsCommands } from './strings/index.js';
import { transactionsCommands } from './transactions/index.js';
import { zsetsCommands } from './zsets/index.js';

export type * from './types.js';
export * from './args.js';
export { Scripting, sha1hex } from './scripting/index.js';
export type { Library, ScriptCaller, ScriptHost, ScriptOutcome, ScriptRun } from './scripting/index.js';
export { keysOf, keyAccess, type KeyAccess } from './server/index.js';
export { REDIS_COMMAND_TABLE } from './table.generated.js';
export { formatClientInfo } from './connection/client.js';

/** Every command family, in one list; the server builds its lowercase-name lookup table from it. */
export const allCommands: readonly CommandSpec[] = [
  ...connectionCommands,
  ...serverCommands,
  ...keysCommands,
  ...stringsCommands,
  ...listsCommands,
  ...hashesCommands,
  ...setsCommands,
  ...zsetsCommands,
  ...geoCommands,
  ...hllCommands,
  ...streamsCommands,
  ...pubsubCommands,
  ...transactionsCommands,
  ...scriptingCommands,
  ...replicationCommands,
];
