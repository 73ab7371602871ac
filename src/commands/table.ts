/**
 * Redis 7.0's command table as redmesh uses it. The data itself lives in table.generated.ts (copied
 * from a real redis-server by scripts/gen-command-table.mjs); a command module names itself and
 * gets its arity, flags, key positions, ACL categories, tips and key specs from there, so no command
 * metadata is typed by hand. test/commands/command-table.test.ts checks the table against a live
 * redis-server's COMMAND INFO.
 */
import { REDIS_COMMAND_TABLE } from './table.generated.js';
import type { CommandMeta } from './types.js';

/**
 * The table row of `name` ('get', 'config|get', lowercase). A name Redis 7.0 does not have is a bug
 * in the command module that asks, so it throws when the command table is built.
 */
export function commandMeta(name: string): CommandMeta {
  const meta = REDIS_COMMAND_TABLE[name];
  if (meta === undefined) throw new Error(`'${name}' is not a Redis 7.0 command (see table.generated.ts)`);
  return meta;
}
