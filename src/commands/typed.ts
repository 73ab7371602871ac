/**
 * Typed key lookup and early-exit errors for command implementations.
 *
 * A command body may throw CommandError from deep inside its parsing or lookups (WRONGTYPE, a bad
 * option); `guarded` turns it into the error reply, so command files read top-down without
 * threading error values through every helper. Any other exception is a bug and propagates.
 */
import { ERR_WRONGTYPE, error, type Reply } from '../resp/index.js';
import type { HashValue, ListValue, SetValue, Value, ZSetValue } from '../store/index.js';
import type { CommandContext, CommandResult } from './types.js';

export class CommandError extends Error {
  constructor(readonly reply: Reply) {
    super(reply.kind === 'error' ? reply.message : 'command error');
  }
}

/** Stops the running command with an error reply (message without the leading '-'). */
export function fail(message: string): never {
  throw new CommandError(error(message));
}

export type CommandRun = (ctx: CommandContext, argv: readonly string[]) => CommandResult;

/** Wraps a command body so that a thrown CommandError becomes its reply. */
export function guarded(run: CommandRun): CommandRun {
  return (ctx, argv) => {
    try {
      return run(ctx, argv);
    } catch (e) {
      if (e instanceof CommandError) return e.reply;
      throw e;
    }
  };
}

interface TypedValues {
  list: ListValue;
  hash: HashValue;
  set: SetValue;
  zset: ZSetValue;
}

function ofType<T extends keyof TypedValues>(value: Value | undefined, type: T): TypedValues[T] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || value.type !== type) fail(ERR_WRONGTYPE);
  return value as TypedValues[T];
}

/** The key's value for reading; undefined when absent; throws WRONGTYPE for another type. */
export function readTyped<T extends keyof TypedValues>(
  ctx: CommandContext,
  key: string,
  type: T,
): TypedValues[T] | undefined {
  return ofType(ctx.db.lookupRead(key, ctx.now), type);
}

/** Like readTyped, for a value the command is about to change in place (snapshot copy-on-write). */
export function writeTyped<T extends keyof TypedValues>(
  ctx: CommandContext,
  key: string,
  type: T,
): TypedValues[T] | undefined {
  return ofType(ctx.db.lookupWrite(key, ctx.now), type);
}

/** Runs a reply-producing step outside `guarded` (e.g. a blocked client's retry), catching CommandError. */
export function replyOrError<T>(step: () => T): T | Reply {
  try {
    return step();
  } catch (e) {
    if (e instanceof CommandError) return e.reply;
    throw e;
  }
}
