import type { Reply } from '../resp/reply.js';
import type { Database, Keyspace } from '../store/index.js';

/** One key spec as COMMAND INFO shows it (RESP3 map order: notes, flags, begin_search, find_keys). */
export interface KeySpecData {
  readonly notes?: string;
  readonly flags: readonly string[];
  readonly begin_search: { readonly type: string; readonly spec: Readonly<Record<string, number | string>> };
  readonly find_keys: { readonly type: string; readonly spec: Readonly<Record<string, number | string>> };
}

/**
 * One row of Redis 7.0's command table (commands/table.generated.ts): what COMMAND INFO reports
 * about a command, subcommands aside.
 */
export interface CommandMeta {
  /** N: exactly N arguments including the name; -N: at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Legacy key positions (0 = no keys; lastKey -1 = the last argument). */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** ACL categories without the '@'. */
  readonly categories: readonly string[];
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpecData[];
}

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
  | 'movablekeys'
  | 'asking'
  | 'no_async_loading';

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

/**
 * Live server settings the server reads on every use, so CONFIG SET takes effect at once. The config
 * room (CONFIG GET/SET, redis.conf) parses and formats them; the server only reads them.
 * Names follow redis.conf in camelCase.
 */
export interface ServerConfig {
  port: number;
  bind: string[];
  requirepass: string;
  /** Seconds of idleness after which a normal client is closed; 0 = never. */
  timeout: number;
  /** Seconds between TCP keepalive probes; 0 = off. */
  tcpKeepalive: number;
  maxclients: number;
  protectedMode: boolean;
  protoMaxBulkLen: number;
  /** Active expiry cycles per second. */
  hz: number;
  databases: number;
  /** `unixsocket`: path of a Unix-domain listening socket; '' = none. Immutable after start. */
  unixsocket: string;
  /** `unixsocketperm`: the socket file's mode (0 = leave it to the umask). */
  unixsocketperm: number;
  /** `client-output-buffer-limit`: hard bytes, soft bytes, soft seconds; 0 disables a limit. */
  clientOutputBufferLimit: Record<'normal' | 'replica' | 'pubsub', OutputBufferLimit>;
  /** Other directives the server does not act on itself, by lowercase redis.conf name. */
  readonly extra: Map<string, string>;
}

export interface OutputBufferLimit {
  hardBytes: number;
  softBytes: number;
  softSeconds: number;
}

/** Counters INFO reports (Redis's server.stat_*); the server and commands increment them. */
export interface ServerStats {
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
  /** Changes since the last save (Redis server.dirty). */
  dirty: number;
  totalNetInputBytes: number;
  totalNetOutputBytes: number;
  /** Clients closed for exceeding an output buffer limit. */
  clientOutputBufferLimitDisconnections: number;
}

/** One connection as CLIENT LIST / CLIENT INFO and INFO clients see it. */
export interface ClientInfo {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  readonly name: string;
  /** Seconds since the connection was made. */
  readonly age: number;
  /** Seconds since the last command. */
  readonly idle: number;
  readonly flags: string;
  readonly db: number;
  readonly sub: number;
  readonly psub: number;
  readonly ssub: number;
  /** Commands queued in MULTI, or -1 outside MULTI. */
  readonly multi: number;
  readonly qbuf: number;
  readonly omem: number;
  readonly cmd: string;
  readonly user: string;
  readonly resp: 2 | 3;
}

/** Pub/sub namespaces: channels (SUBSCRIBE), patterns (PSUBSCRIBE), shard channels (SSUBSCRIBE). */
export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/**
 * The connection a command runs for, with the state only the server holds (auth, MULTI, pub/sub).
 * Implemented by server/; absent when a command runs outside a connection (unit-test runner).
 */
export interface Session {
  readonly id: number;
  name: string;
  setProtocol(version: 2 | 3): void;
  readonly authenticated: boolean;
  /** Subscribed to any channel, pattern or shard channel. */
  readonly inPubsubMode: boolean;
  /** Checks a password against requirepass; marks the session authenticated when it matches. */
  authenticate(username: string, password: string): boolean;
  /** Close the connection once the replies already produced are written (QUIT, CLIENT KILL of self). */
  closeAfterReply(): void;
  /** RESET: leave MULTI, unwatch, unsubscribe all, db 0, RESP2, unauthenticated if auth is required, no name. */
  reset(): void;
  /** MULTI / EXEC / DISCARD / WATCH / UNWATCH, with Redis's replies and errors. */
  multi(): Reply;
  exec(): Reply;
  discard(): Reply;
  watch(keys: readonly string[]): Reply;
  unwatch(): void;
  /** (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE: one confirmation per name, already encoded (a raw reply). */
  subscribe(kind: SubscriptionKind, names: readonly string[]): Reply;
  unsubscribe(kind: SubscriptionKind, names: readonly string[]): Reply;
  /** CLIENT REPLY ON|OFF|SKIP. */
  setReplyMode(mode: 'on' | 'off' | 'skip'): void;
  /** CLIENT NO-EVICT. */
  noEvict: boolean;
}

/**
 * The server side that commands outside the data families need (INFO, CONFIG, COMMAND, CLIENT,
 * HELLO, pub/sub, transactions). Implemented by server/state.ts.
 */
export interface ServerHooks {
  readonly config: ServerConfig;
  readonly stats: ServerStats;
  /** The command table by lowercase name (COMMAND reads it). */
  readonly commands: ReadonlyMap<string, CommandSpec>;
  /** Unix ms when the server started. */
  readonly startedAtMs: number;
  /** 40 hex chars, new per process (INFO run_id). */
  readonly runId: string;
  /** TCP ports actually bound (port 0 in config resolves to the real port). */
  readonly boundPorts: readonly number[];
  /** Every connected client. */
  clients(): readonly ClientInfo[];
  /** Number of clients blocked in a blocking command. */
  blockedClients(): number;
  /** Pub/sub: number of channels with subscribers, and of patterns. */
  pubsubChannelCount(): number;
  pubsubPatternCount(): number;
  /** The session of the client running this command, when it runs on a connection. */
  session(client: ClientView): Session | undefined;
  /** Delivers a message; returns the number of clients that received it (PUBLISH's reply). */
  publish(kind: 'channel' | 'shard', channel: string, message: string): number;
  /** Active channels (with at least one subscriber) matching an optional glob pattern. */
  pubsubChannels(kind: 'channel' | 'shard', pattern: string | undefined): string[];
  pubsubNumsub(kind: 'channel' | 'shard', channel: string): number;
  /** Closes every client the predicate selects (after their pending replies); returns how many. */
  killClients(select: (client: ClientInfo) => boolean): number;
  /** CLIENT PAUSE until `untilMs`: 'all' holds every command, 'write' only writes. */
  pauseClients(untilMs: number, mode: 'all' | 'write'): void;
  unpauseClients(): void;
  /** CLIENT UNBLOCK: ends a blocking command as by timeout, or with an UNBLOCKED error. */
  unblockClient(id: number, withError: boolean): boolean;
  /** Registers a (dbIndex, argv) listener for every propagated change (replication, AOF). */
  addPropagator(listener: (dbIndex: number, argv: readonly string[]) => void): void;
  /** Extension point: other rooms (replication, persistence) register named services here. */
  readonly services: Map<string, unknown>;
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
  /** Command tips as COMMAND INFO shows them (e.g. 'nondeterministic_output'). */
  readonly tips?: readonly string[];
  /** Key specs as COMMAND INFO shows them; derived from firstKey/lastKey/step when absent. */
  readonly keySpecs?: readonly KeySpecData[];
  /**
   * For `movablekeys` commands (ZUNION, ZMPOP…): the key arguments of one call, for COMMAND GETKEYS,
   * WATCH-like bookkeeping and ACL key checks. Undefined when argv is malformed.
   */
  keys?(argv: readonly string[]): readonly string[] | undefined;
  /** Subcommands (CLIENT LIST, CONFIG GET…), looked up by the server before `run`. */
  readonly subcommands?: readonly CommandSpec[];
  /** argv[0] is the command name as the client sent it; argv are latin1 byte strings. */
  run(this: void, ctx: CommandContext, argv: readonly string[]): CommandResult;
}
