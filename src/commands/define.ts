/**
 * How a command module declares a command. A command is one small self-describing unit, like
 * mini-redis's: the doc comment above it shows its syntax (`GET key`), `parse` reads the arguments
 * through an ArgCursor into a value of its own type, and `apply` runs that against the database and
 * returns the reply. Arity, flags, key positions, ACL categories, tips and key specs are not typed
 * here: they come from Redis 7.0's generated table by the command's name.
 *
 * Parse failures and WRONGTYPE are thrown as CommandError (typed.ts); the builders here are the one
 * place that turns them into the reply (a try/catch costs nothing until something is thrown).
 * Where Redis interleaves parsing with key lookups (a bad COUNT after WRONGTYPE, options read after
 * the keys are checked), `parse` reads what Redis reads first and hands the cursor on to `apply`.
 */
import { ArgCursor } from './cursor.js';
import { commandMeta } from './table.js';
import { replyOf, type CommandRun } from './typed.js';
import type { CommandContext, CommandResult, CommandSpec } from './types.js';

export interface CommandUnit<Args> {
  /** The lowercase Redis name, the key into the command table ('get', 'config|get'). */
  readonly name: string;
  /**
   * Reads the arguments after the command's name, or after a subcommand's name (arity already
   * checked). `ctx` is for the few rules that depend on the server's settings (proto-max-bulk-len
   * bounds bit offsets, timeouts are absolute); parse never touches the keyspace.
   */
  parse(this: void, args: ArgCursor, ctx: CommandContext): Args;
  /** Runs the parsed command: the reply, or a BlockRequest for a blocking command. */
  apply(this: void, ctx: CommandContext, args: Args): CommandResult;
  /** For `movablekeys` commands: the key arguments of one call (COMMAND GETKEYS). */
  keys?(this: void, argv: readonly string[]): readonly string[] | undefined;
}

/** Every spec these builders made: the ones whose metadata certainly comes from the table. */
const BUILT = new WeakSet<CommandSpec>();

/**
 * Whether `spec` was made by defineCommand or tableCommand (so its arity, flags, keys, categories,
 * tips and key specs are the generated table's); test/commands/command-table.test.ts requires it of
 * every command, so none can type its metadata by hand.
 */
export function isBuiltFromTable(spec: CommandSpec): boolean {
  return BUILT.has(spec);
}

/** A command from its parse and apply steps, with its metadata from the command table. */
export function defineCommand<Args>(unit: CommandUnit<Args>): CommandSpec {
  const { name, parse, apply } = unit;
  // A subcommand's arguments start after its container's name and its own ('OBJECT ENCODING key').
  const start = name.includes('|') ? 2 : 1;
  const run: CommandRun = (ctx, argv) => {
    try {
      return apply(ctx, parse(new ArgCursor(argv, start), ctx));
    } catch (e) {
      return replyOf(e);
    }
  };
  return withKeys({ name, ...commandMeta(name), run }, unit.keys);
}

export interface TableCommandParts {
  keys?(this: void, argv: readonly string[]): readonly string[] | undefined;
  readonly subcommands?: readonly CommandSpec[];
}

/**
 * A command whose body reads `argv` itself (not split into parse and apply yet, or a container
 * such as CONFIG whose subcommands are the units), with its metadata from the command table.
 */
export function tableCommand(name: string, body: CommandRun, parts: TableCommandParts = {}): CommandSpec {
  const run: CommandRun = (ctx, argv) => {
    try {
      return body(ctx, argv);
    } catch (e) {
      return replyOf(e);
    }
  };
  const spec: CommandSpec = { name, ...commandMeta(name), run };
  const withSubs = parts.subcommands === undefined ? spec : { ...spec, subcommands: parts.subcommands };
  return withKeys(withSubs, parts.keys);
}

function withKeys(spec: CommandSpec, keys: CommandSpec['keys']): CommandSpec {
  const built = keys === undefined ? spec : { ...spec, keys };
  BUILT.add(built);
  return built;
}
