import type { Reply } from '../resp/reply.js';
import type { Database, Keyspace } from '../store/index.js';

/** Flags as COMMAND INFO reports them (Redis 7.0 names). */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_multi'
  | 'allow_busy'
  | 'no_mandatory_keys'
  | 'movablekeys';

/**
 * A blocking command that found nothing to serve returns this instead of a reply. The server parks
 * the client; when one of `keys` becomes ready (Database.add of a list/zset) or the timeout passes,
 * it calls `retry` / `onTimeout`. `retry` returns undefined to keep waiting.
 */
export interface BlockRequest {
  readonly kind: 'block';
  readonly keys: readonly string[];
  /** Absolute unix ms, or 0 to wait forever. */
  readonly deadlineMs: number;
  retry(ctx: CommandContext): Reply | undefined;
  onTimeout(ctx: CommandContext): Reply;
}

export type CommandResult = Reply | BlockRequest;

/** Per-client facts a command may read or change (the connection's state lives in server/). */
export interface ClientView {
  readonly id: number;
  /** 2 or 3 (HELLO). */
  readonly protocol: 2 | 3;
  dbIndex: number;
  /** True while the command runs inside EXEC (blocking commands must not block then). */
  readonly inMulti: boolean;
}

/**
 * Everything a command may touch. A command never writes to a socket: it returns a reply and reports
 * its effects here (dirty count, what to propagate to replicas/AOF).
 */
export interface CommandContext {
  readonly keyspace: Keyspace;
  /** The client's selected database. */
  readonly db: Database;
  readonly client: ClientView;
  /** Cached unix ms for this command (Redis's mstime of the call): use it for all expiry math. */
  readonly now: number;
  /** Marks the key modified (WATCH) and counts one change for `dirty` (Redis signalModifiedKey + server.dirty++). */
  keyModified(key: string, db?: Database): void;
  /**
   * Replaces what is propagated to replicas/AOF for this call (e.g. SET EX → SET PXAT, SPOP → SREM).
   * Without it a write command propagates its own argv when it counted at least one change.
   */
  propagateAs(argvs: readonly (readonly string[])[]): void;
  /** The server side: config and hooks that commands outside the data families need. */
  readonly server: ServerHooks;
}

/** Implemented by server/; data-family commands should not need it. */
export interface ServerHooks {
  readonly [name: string]: unknown;
}

/**
 * One command of the table. `arity` follows Redis: N means exactly N (including the name), -N means
 * at least N. Key positions follow COMMAND INFO (firstKey 0 = no keys, lastKey -1 = last argument).
 */
export interface CommandSpec {
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** ACL categories as COMMAND INFO shows them, without '@' (e.g. 'string', 'fast'). */
  readonly categories?: readonly string[];
  /** Subcommands (CLIENT LIST, CONFIG GET…), looked up by the server before `run`. */
  readonly subcommands?: readonly CommandSpec[];
  /** argv[0] is the command name as the client sent it; argv are latin1 byte strings. */
  run(ctx: CommandContext, argv: readonly string[]): CommandResult;
}
