/**
 * Typed key lookup and early-exit errors for command implementations.
 *
 * The one way a command meets a key of the wrong type, or any argument it refuses: it throws
 * CommandError (through `fail`, `wrongType` or a typed lookup below) from wherever it is, and the
 * command's builder (define.ts: defineCommand, tableCommand) turns it into the error reply. So
 * command files read top-down without threading error values through every helper, and the path
 * that succeeds pays nothing: V8's try/catch costs nothing until something is thrown, and WRONGTYPE
 * throws one preallocated error (no allocation, no stack capture). Any other exception is a bug
 * and propagates.
 */
import { ERR_WRONGTYPE, error, type Reply } from '../resp/index.js';
import type { HashValue, ListValue, SetValue, StreamValue, Value, ZSetValue } from '../store/index.js';
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

const WRONGTYPE_ERROR = new CommandError(error(ERR_WRONGTYPE));

/** Stops the running command with WRONGTYPE (the key holds another type). */
export function wrongType(): never {
  throw WRONGTYPE_ERROR;
}

export type CommandRun = (ctx: CommandContext, argv: readonly string[]) => CommandResult;

/** The reply a thrown CommandError stands for; anything else is a bug and is thrown on. */
export function replyOf(e: unknown): Reply {
  if (e instanceof CommandError) return e.reply;
  throw e;
}

interface TypedValues {
  list: ListValue;
  hash: HashValue;
  set: SetValue;
  zset: ZSetValue;
  stream: StreamValue;
}

function ofType<T extends keyof TypedValues>(value: Value | undefined, type: T): TypedValues[T] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || value.type !== type) wrongType();
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

/** Runs a reply-producing step outside a command's run (e.g. a blocked client's retry), catching CommandError. */
export function replyOrError<T>(step: () => T): T | Reply {
  try {
    return step();
  } catch (e) {
    return replyOf(e);
  }
}
