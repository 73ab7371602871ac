import type { ConfigSetFailure, ConfigView } from '../config/index.js';
import type { Reply } from '../resp/index.js';
import type { Database, EvictionPolicy, EvictionSettings, Keyspace, Value } from '../store/index.js';
import type { Scripting } from './scripting/scripting.js';

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
  /** Also retried when replicas' ACKs arrive (WAIT), not only when one of `keys` is ready. */
  readonly onReplicaAck?: boolean;
  /**
   * A script suspended past busy-reply-threshold (EVAL, FCALL): the server resumes it slice by slice
   * through `scripting` while other clients get BUSY; retry is never called, onTimeout runs it to its
   * end where the caller cannot wait.
   */
  readonly script?: boolean;
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
  /** The master's link or the AOF loader (Redis mustObeyClient): limits meant for users do not apply. */
  readonly obeysPrimary?: boolean;
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
  /**
   * Redis signalFlushedDb, before FLUSHDB / FLUSHALL empty `dbs`: every key counts as changed (WATCH,
   * `dirty`), and clients tracking keys get one invalidation of everything instead of one per key.
   */
  databasesFlushed(dbs: readonly Database[]): void;
  /**
   * After SWAPDB exchanged `a` and `b`: every key of both counts as changed for WATCH and `dirty`.
   * Client-side caching is not told (Redis 7.0 sends no invalidation for SWAPDB).
   */
  databasesSwapped(a: Database, b: Database): void;
  /**
   * Redis notifyKeyspaceEvent: publishes `event` about `key` (of `db`, default the selected one) on
   * __keyspace@<db>__:<key> and __keyevent@<db>__:<event> when notify-keyspace-events enables `type`.
   * One call per write site, after the change, in the order Redis makes them.
   */
  notify(type: NotifyClass, event: string, key: string, db?: Database): void;
  /** The server side: the config view and the ports that commands outside the data families need. */
  readonly server: ServerPorts;
}

/**
 * Redis's NOTIFY_* event classes by their notify-keyspace-events letter: g generic, $ string, l list,
 * s set, h hash, z zset, x expired, e evicted, t stream, m key miss, d module, n new key.
 */
export type NotifyClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

/** Keyspace notifications (Redis notify.c), implemented by the server over pub/sub. */
export interface KeyspaceEventsPort {
  notify(type: NotifyClass, event: string, key: string, dbIndex: number): void;
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
  /** Query buffer bytes: the batch being run (the running command's included) or what waits unparsed. */
  readonly qbuf: number;
  readonly qbufFree: number;
  /** The running (or blocked) command's argument bytes. */
  readonly argvMem: number;
  /** Queued output: in the 16 KB reply buffer, in list blocks (count, bytes). */
  readonly obl: number;
  readonly oll: number;
  readonly omem: number;
  /** An estimate of the client's memory as Redis counts it (tot-mem). */
  readonly totMem: number;
  readonly cmd: string;
  readonly user: string;
  /** CLIENT TRACKING's redirection: -1 when tracking is off, 0 when on without REDIRECT. */
  readonly redir: number;
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
  /** AUTH as an ACL user (requirepass is the default user's password); on success the session runs as it. */
  authenticate(username: string, password: string): boolean;
  /** Close the connection once the replies already produced are written (QUIT, CLIENT KILL of self). */
  closeAfterReply(): void;
  /** RESET: leave MULTI, unwatch, unsubscribe all, db 0, RESP2, the default user (unauthenticated if it needs a password), no name. */
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
  /** The client's CLIENT TRACKING state, undefined while tracking is off. */
  readonly tracking: TrackingView | undefined;
  /** CLIENT TRACKING ON (options already checked against the current state). */
  enableTracking(options: TrackingOptions): void;
  /** CLIENT TRACKING OFF. */
  disableTracking(): void;
  /** CLIENT CACHING YES|NO (already checked): the next command (or transaction) reverses OPTIN/OPTOUT. */
  setCachingGiven(): void;
  /** MONITOR: 'started', or 'already' when the client is a replica or monitor (Redis then says nothing). */
  startMonitor(): 'started' | 'already';
}

/** CLIENT TRACKING ON's options (Redis CLIENT_TRACKING_* flags); `redirect` 0 means none. */
export interface TrackingOptions {
  readonly redirect: number;
  readonly bcast: boolean;
  readonly optin: boolean;
  readonly optout: boolean;
  readonly noloop: boolean;
  readonly prefixes: readonly string[];
}

/** A tracking client's state as CLIENT TRACKINGINFO shows it. */
export interface TrackingView extends Omit<TrackingOptions, 'prefixes'> {
  /** CLIENT CACHING was given for the next command. */
  readonly caching: boolean;
  /** The redirection target disconnected (flag R, `broken_redirect`). */
  readonly brokenRedirect: boolean;
  /** BCAST prefixes, in Redis's (byte) order. */
  readonly prefixes: ReadonlySet<string>;
}

/** INFO's client-side caching counters (Redis tracking.c). */
export interface TrackingPort {
  /** Clients with tracking on (tracking_clients). */
  clientCount(): number;
  /** Keys in the tracking table (tracking_total_keys). */
  totalKeys(): number;
  /** Client ids across the table (tracking_total_items). */
  totalItems(): number;
  /** BCAST prefixes in use (tracking_total_prefixes). */
  totalPrefixes(): number;
  /** Every key changed at once (Redis emptyData: DEBUG RELOAD): tracking clients get a null invalidation. */
  invalidateAll(): void;
}

/** One latency event's samples (Redis latency.c latencyTimeSeries). */
export interface LatencySample {
  /** Unix seconds. */
  readonly time: number;
  readonly latencyMs: number;
}

/** LATENCY DOCTOR / LATEST / HISTORY / RESET / GRAPH / HISTOGRAM (server/latency.ts). */
export interface LatencyPort {
  /** Events with samples, in the order they first occurred. */
  events(): readonly string[];
  /** The event's samples, oldest first, and its all-time maximum; undefined when it has none. */
  series(event: string): { readonly samples: readonly LatencySample[]; readonly max: number } | undefined;
  /** Forgets one event (case-insensitive) or, without a name, every event; returns how many. */
  reset(event?: string): number;
  /** The DOCTOR report. */
  doctorReport(): string;
  /** The per-command latency histogram (LATENCY HISTOGRAM): calls and [usec, cumulative count] steps. */
  histogram(
    fullName: string,
  ): { readonly calls: number; readonly steps: readonly (readonly [number, number])[] } | undefined;
  /** CONFIG RESETSTAT: the histograms start over. */
  resetHistograms(): void;
}

/**
 * One cached connection MIGRATE talks to a target over, with Redis's blocking I/O (syncio.c): the
 * server waits for it, up to the timeout, doing nothing else.
 */
export interface MigrateLink {
  /** The database the last successful MIGRATE selected on it (-1: unknown, SELECT next time). */
  lastDbid: number;
  /** errno of the last failed write or read (ETIMEDOUT for a timeout, 0 for the end of the stream). */
  readonly lastErrno: number;
  /** syncWrite: all of `data` within `timeoutMs`, or false. */
  write(data: Buffer, timeoutMs: number): boolean;
  /** syncReadLine: one reply line without CR LF, or undefined (error, end, timeout, empty line). */
  readLine(timeoutMs: number): string | undefined;
}

/** MIGRATE's connection cache per "host:port" (Redis migrateGetSocket / migrateCloseSocket). */
export interface MigratePort {
  /** The cached link, or a new one connected within `timeoutMs`; undefined when connecting failed. */
  socket(host: string, port: string, timeoutMs: number): MigrateLink | undefined;
  /** Closes and forgets the link (the next MIGRATE connects again and sends SELECT). */
  close(host: string, port: string): void;
  /** Cached links (INFO migrate_cached_sockets). */
  readonly size: number;
}

// --- Ports: what the server offers the commands. This room declares what it needs; server/ implements
// it (server/state.ts). An optional port is a room that may be absent: a command then behaves as Redis
// does without the feature (no persistence: nothing was ever saved; no replication: a master without
// replicas). A new room (persistence, replication) plugs in by implementing its port.

/** Counters INFO reports (Redis's server.stat_*); the server and commands increment them. */
export interface ServerStats {
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
  /** Clients closed by maxmemory-clients (INFO evicted_clients). */
  evictedClients: number;
  /** Changes since the last save (Redis server.dirty). */
  dirty: number;
  totalNetInputBytes: number;
  totalNetOutputBytes: number;
  /** Clients closed for exceeding an output buffer limit. */
  clientOutputBufferLimitDisconnections: number;
  /** The largest query / output buffer a client held in the last 8 seconds (INFO clients' recent max). */
  clientRecentMaxInputBuffer: number;
  clientRecentMaxOutputBuffer: number;
  /** Full resyncs served, PSYNCs accepted, PSYNCs refused (sync_full, sync_partial_ok/err). */
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
}

/** CONFIG GET / SET / REWRITE: the only way a command changes the live config. */
export interface ConfigAdminPort {
  /** CONFIG GET: name/value pairs for every pattern. */
  getMatching(patterns: readonly string[]): [string, string][];
  /** CONFIG SET, all or nothing (apply hooks included). */
  set(pairs: readonly (readonly [string, string])[]): ConfigSetFailure | undefined;
  /** CONFIG REWRITE: an error text, or undefined when the file was written. */
  rewrite(): string | undefined;
}

/** Per command (lowercase full name, e.g. "config|get"): Redis's cmdstat_* fields. */
export interface CommandStat {
  readonly calls: number;
  readonly usec: number;
  readonly rejectedCalls: number;
  readonly failedCalls: number;
}

/** INFO commandstats / errorstats, CONFIG RESETSTAT. */
export interface CommandStatsPort {
  readonly byName: ReadonlyMap<string, CommandStat>;
  /** Error replies by their first word (errorstat_ERR:count=…). */
  readonly errors: ReadonlyMap<string, number>;
  readonly totalErrorReplies: number;
  /** INFO latencystats: each command's latency histogram (percentiles in ns, HdrHistogram buckets). */
  readonly latency: ReadonlyMap<string, { valueAtPercentile(percentile: number): number }>;
  reset(): void;
}

export interface SlowLogEntry {
  readonly id: number;
  /** Unix seconds. */
  readonly time: number;
  readonly durationUs: number;
  readonly argv: readonly string[];
  readonly peer: string;
  readonly clientName: string;
}

/** SLOWLOG GET / LEN / RESET. */
export interface SlowLogPort {
  /** Newest first. */
  get(count: number): readonly SlowLogEntry[];
  readonly length: number;
  reset(): void;
}

/** The connected clients (CLIENT, INFO clients) and the connection a command runs for. */
export interface ClientsPort {
  /** Every connected client, in connection order. */
  list(): readonly ClientInfo[];
  /** Number of clients blocked in a blocking command. */
  blockedCount(): number;
  /** The session of the client running this command, when it runs on a connection. */
  session(client: ClientView): Session | undefined;
  /** Closes every client the predicate selects (after their pending replies); returns how many. */
  kill(select: (client: ClientInfo) => boolean): number;
  /** CLIENT PAUSE until `untilMs`: 'all' holds every command, 'write' only writes. */
  pause(untilMs: number, mode: 'all' | 'write'): void;
  unpause(): void;
  /** CLIENT UNBLOCK: ends a blocking command as by timeout, or with an UNBLOCKED error. */
  unblock(id: number, withError: boolean): boolean;
  /** True when a client with this id is connected (CLIENT TRACKING REDIRECT). */
  exists(id: number): boolean;
}

/** PUBLISH, PUBSUB CHANNELS / NUMSUB / NUMPAT, INFO's pubsub counters. */
export interface PubSubPort {
  /** Delivers a message; returns the number of clients that received it (PUBLISH's reply). */
  publish(kind: 'channel' | 'shard', channel: string, message: string): number;
  /** Active channels (with at least one subscriber) matching an optional glob pattern. */
  activeChannels(kind: 'channel' | 'shard', pattern: string | undefined): string[];
  numsub(kind: 'channel' | 'shard', channel: string): number;
  /** Number of channels with subscribers, and of patterns. */
  channelCount(): number;
  patternCount(): number;
}

/** A dataset load in progress (INFO persistence loading_* fields). */
export interface LoadingStatus {
  /** Unix seconds the load started (loading_start_time). */
  readonly startTimeSec: number;
  readonly totalBytes: number;
  readonly loadedBytes: number;
  /** The used-mem AUX field of the RDB being loaded (loading_rdb_used_mem), 0 until read. */
  readonly rdbUsedMem: number;
  /** Redis 7.0 async loading: the old data is served meanwhile (INFO loading:0, async_loading:1). */
  readonly async: boolean;
}

/** What persistence (the RDB file) offers SAVE, BGSAVE, DUMP/RESTORE, INFO, LASTSAVE, SHUTDOWN, FLUSHALL. */
export interface PersistencePort {
  /** Set while the dataset loads (at start): commands without the `loading` flag get -LOADING. */
  readonly loading: LoadingStatus | undefined;
  /** Unix seconds of the last successful save. */
  lastSaveTime(): number;
  rdbSaves(): number;
  bgsaveInProgress(): boolean;
  /**
   * Writes an RDB now (SHUTDOWN SAVE, FLUSHALL with save points), dropping a background save in
   * progress; returns an error message or undefined.
   */
  saveNow(): string | undefined;
  /** SAVE: saveNow, counted in rdb_saves; returns the error reply text or undefined. */
  saveCommand(): string | undefined;
  /** BGSAVE [SCHEDULE]: the status reply, or the error reply text. */
  bgsave(schedule: boolean): { readonly status: string } | { readonly error: string };
  /** True when `save` rules exist (FLUSHALL and SHUTDOWN save then). */
  hasSavePoints(): boolean;
  /** FLUSHALL, before it empties anything: a background save in progress is dropped (Redis kills the child). */
  abortBackgroundSave(): void;
  /** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: which step failed, or undefined. */
  reload(options: {
    readonly merge: boolean;
    readonly flush: boolean;
    readonly save: boolean;
  }): 'save' | 'load' | undefined;
  /** BGREWRITEAOF: the status reply, or the error reply text. */
  bgrewriteaof(): { readonly status: string } | { readonly error: string };
  /** INFO persistence aof_* fields: those always shown, and those shown while the AOF is on. */
  aofInfo(): {
    readonly always: readonly [string, number | string][];
    readonly enabled: readonly [string, number | string][];
  };
  /** INFO rdb_last_bgsave_status. */
  lastBgsaveStatus(): 'ok' | 'err';
  /** INFO rdb_last_load_keys_loaded / _expired. */
  lastLoadKeys(): { readonly loaded: number; readonly expired: number };
  /** INFO's background save timings and progress. */
  bgsaveTimes(): {
    readonly last: number;
    readonly current: number;
    readonly keysProcessed: number;
    readonly keysTotal: number;
  };
  /** stop-writes-on-bgsave-error: true while writes (and PING) must get MISCONF. */
  writesDenied(): boolean;
  /** DUMP: the value serialized as real Redis would (type, value, RDB version, CRC64). */
  dump(value: Value): Buffer;
  /** RESTORE: undefined when the payload's version or checksum is wrong. */
  restore(payload: Buffer): RestoreResult | undefined;
  /** FUNCTION DUMP: the libraries' codes as a payload real Redis restores. */
  dumpFunctions(codes: readonly string[]): Buffer;
  /** FUNCTION RESTORE: the libraries' codes, or undefined when version or checksum are wrong. */
  restoreFunctions(payload: Buffer): string[] | undefined;
}

/** What a RESTORE payload decodes to. */
export type RestoreResult =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'bad-format'; readonly detail: string }
  | { readonly kind: 'unsupported'; readonly typeName: string };

/** Replication: INFO replication, HELLO's role, and the replication commands (server/replication.ts). */
export interface ReplicationPort {
  role(): 'master' | 'replica';
  /** INFO replication's fields, in Redis's order. */
  infoFields(): readonly (readonly [string, string | number])[];
  /** ROLE's reply. */
  roleReply(): Reply;
  /** REPLICAOF / SLAVEOF host port | NO ONE, for the client that sent it. */
  replicaOf(client: ClientView, argv: readonly string[]): Reply;
  /** REPLCONF; undefined when Redis sends no reply (ACK, GETACK). */
  replconf(client: ClientView, argv: readonly string[]): Reply | undefined;
  /** SYNC / PSYNC; undefined when the connection became a replica (its stream follows). */
  sync(client: ClientView, argv: readonly string[]): Reply | undefined;
  /** The master's offset now: a WAIT waits for ACKs up to it. */
  readonly masterReplOffset: number;
  /** Replicas online whose last ACK reached `offset`. */
  ackedReplicas(offset: number): number;
  /** Asks every replica for an ACK (REPLCONF GETACK *) before the event loop sleeps. */
  requestAcks(): void;
  isReplica(): boolean;
  /** FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | FAILOVER ABORT. */
  failover(argv: readonly string[]): Reply;
  /** DEBUG CHANGE-REPL-ID: a new replication id, replid2 cleared (changeReplicationId + clearReplicationId2). */
  changeReplicationId(): void;
}

/** The server's way to stop (SHUTDOWN): closes listeners and clients, then the process may exit. */
export interface ShutdownPort {
  shutdown(): void;
}

/** The periodic server cron (DEBUG PAUSE-CRON stops it: no active expiry, timeouts, stats samples). */
export interface CronPort {
  paused: boolean;
}

/** The active expiry cycle (DEBUG SET-ACTIVE-EXPIRE switches it). */
export interface ActiveExpiryPort {
  enabled: boolean;
}

/** LRU/LFU bookkeeping of maxmemory eviction (OBJECT IDLETIME / FREQ). */
export interface EvictionPort {
  /** Unix ms of the key's last recorded use, when one was recorded (LRU policies). */
  lastAccess(dbIndex: number, key: string): number | undefined;
  /** The key's logarithmic access counter under an LFU policy. */
  frequency(settings: EvictionSettings, dbIndex: number, key: string, now: number): number;
  /** RESTORE IDLETIME / FREQ: sets the key's last use or LFU counter (whichever the policy keeps). */
  setAccess(
    policy: EvictionPolicy,
    dbIndex: number,
    key: string,
    now: number,
    idleSeconds: number | undefined,
    freq: number | undefined,
  ): void;
}

/** One selector as ACL GETUSER shows it. */
export interface AclSelectorView {
  readonly commands: string;
  readonly keys: string;
  readonly channels: string;
}

/** ACL GETUSER's facts about a user. */
export interface AclUserView {
  readonly flags: readonly string[];
  readonly passwords: readonly string[];
  readonly root: AclSelectorView;
  readonly selectors: readonly AclSelectorView[];
}

/** One ACL LOG entry (Redis 7.0.15: seven fields). */
export interface AclLogEntry {
  readonly count: number;
  readonly reason: 'command' | 'key' | 'channel' | 'auth';
  readonly context: 'toplevel' | 'multi' | 'lua';
  readonly object: string;
  readonly username: string;
  /** Unix ms of the last occurrence. */
  readonly lastMs: number;
  /** The client as CLIENT LIST showed it then. */
  readonly client: ClientInfo;
}

/** ACL users, rules, the ACL log and the ACL file (server/acl). */
export interface AclPort {
  /** ACL SETUSER: applies all rules or none; the error text (after "ERR ") when one is refused. */
  setUser(caller: ClientView, name: string, rules: readonly string[]): string | undefined;
  /** ACL DELUSER: how many existed; their clients are disconnected. */
  deleteUsers(caller: ClientView, names: readonly string[]): number;
  getUser(name: string): AclUserView | undefined;
  /** ACL LIST lines ('user <name> <rules>'), by name. */
  list(): string[];
  usernames(): string[];
  exists(name: string): boolean;
  /** ACL WHOAMI. */
  whoami(client: ClientView): string;
  /** The default user is `nopass` (AUTH <password> then has nothing to check against). */
  defaultUserNopass(): boolean;
  /** ACL CAT category: undefined when there is no such category. */
  commandsInCategory(category: string): string[] | undefined;
  readonly categories: readonly string[];
  /** Newest first. */
  log(count: number): readonly AclLogEntry[];
  resetLog(): void;
  /** ACL DRYRUN: undefined when allowed, else the sentence explaining why not. */
  dryRun(username: string, spec: CommandSpec, fullName: string, argv: readonly string[]): string | undefined;
  /** Whether an aclfile is configured (ACL LOAD/SAVE need one). */
  hasFile(): boolean;
  /** ACL LOAD: the error text, or undefined. The caller, if its user is replaced, is closed after its reply. */
  load(caller: ClientView): string | undefined;
  /** ACL SAVE: the error text, or undefined. */
  save(): string | undefined;
}

/**
 * The server side that commands outside the data families need (INFO, CONFIG, COMMAND, CLIENT,
 * HELLO, pub/sub, transactions). Implemented by server/state.ts.
 */
export interface ServerPorts {
  /** The live config, read-only; CONFIG GET/SET/REWRITE go through `configAdmin`. */
  readonly config: ConfigView;
  readonly configAdmin: ConfigAdminPort;
  readonly stats: ServerStats;
  readonly commandStats: CommandStatsPort;
  readonly slowlog: SlowLogPort;
  readonly clients: ClientsPort;
  readonly pubsub: PubSubPort;
  readonly keyspaceEvents: KeyspaceEventsPort;
  readonly tracking: TrackingPort;
  readonly latency: LatencyPort;
  readonly acl: AclPort;
  /** The command table by lowercase name (COMMAND reads it). */
  readonly commands: ReadonlyMap<string, CommandSpec>;
  /** Unix ms when the server started. */
  readonly startedAtMs: number;
  /** 40 hex chars, new per process (INFO run_id). */
  readonly runId: string;
  /** TCP ports actually bound (port 0 in config resolves to the real port). */
  readonly boundPorts: readonly number[];
  /** The service manager the server reports to (INFO process_supervised). */
  readonly supervised: 'no' | 'upstart' | 'systemd';
  readonly persistence?: PersistencePort;
  readonly replication?: ReplicationPort;
  readonly shutdown?: ShutdownPort;
  readonly activeExpiry?: ActiveExpiryPort;
  readonly cron?: CronPort;
  readonly eviction?: EvictionPort;
  /** EVAL, SCRIPT, FUNCTION, FCALL: the script cache, the function libraries and the Lua engine. */
  readonly scripting?: Scripting;
  /** MIGRATE's cached connections to target instances (server/migrate-sockets.ts). */
  readonly migrate?: MigratePort;
  /** Registers a (dbIndex, argv) listener for every propagated change (replication, AOF). */
  addPropagator(listener: (dbIndex: number, argv: readonly string[]) => void): void;
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
