/**
 * One client connection (Redis `client` struct): its socket, request parser, protocol version, auth,
 * selected db, MULTI queue, WATCH set, subscriptions, blocked state and pending output.
 *
 * Output is gathered in `out` while a batch of pipelined commands runs and written with one
 * socket.write per batch; replies produced outside a read (pub/sub messages, unblocked commands) are
 * flushed by the server once per tick.
 */
import type { Socket } from 'node:net';
import type {
  BlockRequest,
  ClientInfo,
  ClientView,
  CommandContext,
  NotifyClass,
  CommandSpec,
  ServerPorts,
  SubscriptionKind,
  TrackingOptions,
} from '../commands/index.js';
import {
  EMPTY_ARRAY,
  NULL_ARRAY,
  OK,
  RequestParser,
  ReplyWriter,
  bulk,
  bulkOrNull,
  encodeReply,
  error,
  integer,
  push,
  ERR_DISCARD_WITHOUT_MULTI,
  ERR_EXECABORT,
  ERR_EXEC_WITHOUT_MULTI,
  ERR_MULTI_NESTED,
  ERR_UNBLOCKED,
  ERR_WATCH_IN_MULTI,
  type Reply,
} from '../resp/index.js';
import type { ReplicaChannel } from '../replication/index.js';
import type { Database, Keyspace } from '../store/index.js';
import type { AclUser } from './acl/index.js';
import { socketFd } from './connection.js';
import type { RegisteredClient, ServerState } from './state.js';
import type { TrackingState } from './tracking.js';
import type { WatchRegistry } from './watch.js';

/**
 * What a connection needs from the dispatcher (implemented by ServerCore). Declared here so the
 * client depends on this surface, not on the dispatcher's file (which depends on Client).
 */
export interface ClientHost {
  readonly keyspace: Keyspace;
  readonly state: ServerState;
  readonly watch: WatchRegistry;
  /** Runs one command for the client (EXEC's queue). */
  call(c: Client, spec: CommandSpec, argv: readonly string[]): void;
  /** EXEC's ACL re-check of a queued command: the NOPERM reply when the rules changed since queueing. */
  execRefusal(c: Client, spec: CommandSpec, argv: readonly string[]): Reply | undefined;
  scheduleFlush(c: Client): void;
  /** Closes the client as soon as possible when its queued output is over a limit. */
  checkOutputLimit(c: Client): void;
  /** Takes the client out of every table (blocking, WATCH, pub/sub, registry). */
  leave(c: Client): void;
  /** Removes a blocked client from the blocked tables. */
  endBlock(c: Client): void;
  /** After an unblock: flush the reply and go on with the client's pipelined input. */
  resumeAfterBlock(c: Client): void;
}

export interface QueuedCommand {
  readonly spec: CommandSpec;
  readonly argv: readonly string[];
}

interface WatchedKey {
  readonly db: number;
  readonly key: string;
  /** The key existed with a TTL not yet passed when WATCHed: if it has expired by EXEC, abort. */
  readonly hadLiveTtl: boolean;
  /**
   * The key was already logically expired (still stored) when WATCHed (Redis watchedKey.expired): its
   * lazy deletion is no change. Cleared once it is gone, so a later write does abort.
   */
  expired: boolean;
}

interface BlockedState {
  readonly request: BlockRequest;
  readonly db: number;
  readonly spec: CommandSpec;
  readonly argv: readonly string[];
  timer: NodeJS.Timeout | undefined;
}

/** Redis's 16 KB static reply buffer (PROTO_REPLY_CHUNK_BYTES). */
const REPLY_BUFFER_BYTES = 16384;
/** A query buffer read into with room for 16 KB: jemalloc's 20480 class less the sds header and NUL. */
const QUERY_BUFFER_ALLOC = 20474;
const SDS_ALLOC_OVERHEAD = 6;
/** The rest of a client's memory in Redis 7.0's tot-mem (its struct and small allocations). */
const CLIENT_STRUCT_BYTES = 784;

const RAW_EMPTY: Reply = Object.freeze({ kind: 'raw', bytes: '' });

/** The per-client CommandContext, reused for every command of the client (no allocation per call). */
class ClientContext implements CommandContext {
  db: Database;
  now = 0;
  dirty = 0;
  propagated: (readonly string[])[] | undefined;
  constructor(
    readonly keyspace: Keyspace,
    readonly client: Client,
    readonly server: ServerPorts,
    private readonly core: ClientHost,
  ) {
    this.db = keyspace.db(0);
  }
  keyModified(key: string, db?: Database): void {
    this.dirty++;
    this.core.watch.touch((db ?? this.db).index, key);
    this.core.state.tracking.invalidateKey(key, this.client);
  }
  databasesFlushed(dbs: readonly Database[]): void {
    for (const db of dbs) {
      for (const key of db.keys()) {
        this.dirty++;
        this.core.watch.touch(db.index, key);
      }
    }
    this.core.state.tracking.invalidateAll();
  }
  databasesSwapped(a: Database, b: Database): void {
    for (const db of [a, b]) {
      for (const key of db.keys()) {
        this.dirty += 2;
        this.core.watch.touch(a.index, key);
        this.core.watch.touch(b.index, key);
      }
    }
  }
  propagateAs(argvs: readonly (readonly string[])[]): void {
    this.propagated = argvs.map((a) => [...a]);
  }
  notify(type: NotifyClass, event: string, key: string, db?: Database): void {
    this.server.keyspaceEvents.notify(type, event, key, (db ?? this.db).index);
  }
}

export class Client implements RegisteredClient, ClientView {
  readonly parser: RequestParser;
  readonly ctx: ClientContext;
  protocol: 2 | 3 = 2;
  dbIndex = 0;
  name = '';
  authenticated: boolean;
  /** The ACL user (Redis c->user); undefined for the master's and the AOF's clients, which run anything. */
  aclUser: AclUser | undefined;
  /** argv[0] of the command being run, as the client spelled it (the ACL LOG object of a failed AUTH). */
  argv0 = '';
  /** Inside EXEC: blocking commands must not block. */
  inMulti = false;
  /** While EXEC runs: how many commands it holds (CLIENT LIST multi=, as Redis keeps mstate until EXEC ends). */
  private execLength = -1;
  multiQueue: QueuedCommand[] | undefined;
  multiError = false;
  dirtyCas = false;
  watched: WatchedKey[] = [];
  readonly subscriptions: Record<SubscriptionKind, Set<string>> = {
    channel: new Set(),
    pattern: new Set(),
    shard: new Set(),
  };
  blockedState: BlockedState | undefined;
  /** A command held by CLIENT PAUSE, run when the pause ends. */
  held: string[] | undefined;
  noEvict = false;
  replyMode: 'on' | 'off' = 'on';
  private skipArmed = false;
  private skipCurrent = false;
  /** Replies not yet written to the socket (flushed once per batch, see ServerCore.flush). */
  readonly out = new ReplyWriter();
  closing = false;
  closed = false;
  /** Reading paused until the socket drains (too much unsent output). */
  inputPaused = false;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  lastCommand = 'NULL';
  /** Query buffer bytes of the batch being run (-1 between batches), see bufferInfo. */
  inputBatchBytes = -1;
  /** Anything was read (Redis allocated the query buffer). */
  hasRead = false;
  /** The argv of the command running or blocked (CLIENT LIST argv-mem). */
  runningArgv: readonly string[] | undefined;
  /** The table name of the last command looked up (undefined for an unknown one): CLIENT CACHING's lifetime. */
  lastCommandBase: string | undefined;
  /** Unix second when the output buffer first went over the soft limit (0 = it is under it). */
  softLimitSince = 0;
  /**
   * Over an output buffer limit (Redis CLIENT_CLOSE_ASAP): nothing more is sent or run, the
   * connection is dropped at the next flush with its queued output.
   */
  closeAsap = false;
  readonly addr: string;
  readonly laddr: string;
  /** The master's client on a replica (flag M): runs the replication stream, never gets replies. */
  isMaster = false;
  /** The AOF loading client (Redis's fake client): runs commands while the dataset loads. */
  loader = false;
  /** Redis mustObeyClient: the master's link, or the AOF loader (the fake client with id 0). */
  get obeysPrimary(): boolean {
    return this.isMaster || this.id === 0 || this.loader;
  }
  /** A replica of this server after SYNC/PSYNC (flag S): its output is the replication stream. */
  isReplica = false;
  /** This connection as the replication room sees it, once it sent REPLCONF/SYNC/PSYNC. */
  replicaChannel: ReplicaChannel | undefined;
  /** CLIENT TRACKING state (undefined while off); the tracking room keeps it. */
  tracking: TrackingState | undefined;
  /** In MONITOR mode (flag O). */
  monitoring = false;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly core: ClientHost,
    /** The `unixsocket` path when the client connected through it (CLIENT LIST flag U). */
    private readonly unixPath?: string,
  ) {
    const acl = core.state.acl;
    this.aclUser = acl.defaultUser;
    this.authenticated = acl.startsAuthenticated();
    this.parser = new RequestParser({
      maxBulkLen: () => core.state.config.protoMaxBulkLen,
      authRequired: () => !this.authenticated && acl.authRequired(),
    });
    this.ctx = new ClientContext(core.keyspace, this, core.state, core);
    // Redis prints a Unix socket client's addr and laddr as the socket's path with port 0.
    this.addr =
      unixPath !== undefined ? `${unixPath}:0` : formatAddress(socket.remoteAddress, socket.remotePort);
    this.laddr =
      unixPath !== undefined ? `${unixPath}:0` : formatAddress(socket.localAddress, socket.localPort);
  }

  get view(): ClientView {
    return this;
  }

  get blocked(): boolean {
    return this.blockedState !== undefined;
  }

  get subscriptionCount(): number {
    return this.subscriptions.channel.size + this.subscriptions.pattern.size;
  }

  /** Subscribed to anything: RESP2 clients are then restricted to the pub/sub commands. */
  get inPubsubMode(): boolean {
    return this.subscriptionCount + this.subscriptions.shard.size > 0;
  }

  /** Queues a reply, honouring CLIENT REPLY OFF/SKIP. */
  reply(r: Reply): void {
    if (this.replyMode === 'off' || this.skipCurrent) return;
    this.out.reply(r, this.protocol);
    this.core.checkOutputLimit(this);
  }

  /**
   * Queues bytes produced outside this client's own command (pub/sub messages), then schedules a
   * flush. Delivered whatever CLIENT REPLY says, as Redis pushes them (CLIENT_PUSHING).
   */
  deliver(bytes: string): void {
    if (this.closed) return;
    this.out.raw(bytes);
    this.core.checkOutputLimit(this);
    this.core.scheduleFlush(this);
  }

  /**
   * Queues bytes produced outside this client's own command that are replies, not pushes (MONITOR's
   * lines): CLIENT REPLY OFF silences them, as it does in Redis.
   */
  deliverReply(bytes: string): void {
    if (this.replyMode === 'off') return;
    this.deliver(bytes);
  }

  setProtocol(version: 2 | 3): void {
    this.protocol = version;
  }

  revertToDefaultUser(defaultUser: AclUser): void {
    this.aclUser = defaultUser;
    this.authenticated = false;
  }

  /** ACLAuthenticateUser: on success the connection runs as `username`; a failure is logged. */
  authenticate(username: string, password: string): boolean {
    const acl = this.core.state.acl;
    const user = acl.credentials(username, password);
    if (user === undefined) {
      acl.logDenial(this, 'auth', this.inMulti ? 'multi' : 'toplevel', this.argv0, username);
      return false;
    }
    this.aclUser = user;
    this.authenticated = true;
    return true;
  }

  closeAfterReply(): void {
    this.closing = true;
  }

  /** CLIENT KILL: Redis frees another client synchronously, so it leaves every table right now. */
  kill(): void {
    this.closing = true;
    this.core.leave(this);
    this.core.scheduleFlush(this);
  }

  /**
   * CLIENT REPLY (Redis clientReplyCommand): OFF silences every reply, SKIP the next command's (ignored
   * while OFF); ON clears both, its own +OK included even when a SKIP silenced this very command.
   */
  setReplyMode(mode: 'on' | 'off' | 'skip'): void {
    if (mode === 'skip') {
      if (this.replyMode !== 'off') this.skipArmed = true;
      return;
    }
    this.replyMode = mode;
    if (mode === 'on') {
      this.skipArmed = false;
      this.skipCurrent = false;
    }
  }

  /** Called by the dispatcher before each command: a SKIP armed by the previous command applies now. */
  startCommand(): void {
    this.skipCurrent = this.skipArmed;
    this.skipArmed = false;
  }

  reset(): void {
    this.disableTracking();
    this.stopMonitor();
    this.discardMulti();
    this.unwatch();
    for (const kind of ['channel', 'pattern', 'shard'] as const) this.unsubscribeAll(kind);
    this.dbIndex = 0;
    this.protocol = 2;
    this.name = '';
    this.replyMode = 'on';
    this.skipArmed = false;
    this.skipCurrent = false;
    this.noEvict = false;
    const acl = this.core.state.acl;
    this.aclUser = acl.defaultUser;
    this.authenticated = acl.startsAuthenticated();
  }

  // --- client-side caching and MONITOR ---

  enableTracking(options: TrackingOptions): void {
    this.core.state.tracking.enable(this, options);
  }

  disableTracking(): void {
    this.core.state.tracking.disable(this);
  }

  setCachingGiven(): void {
    if (this.tracking !== undefined) this.tracking.caching = true;
  }

  /** Redis resetClient: CLIENT CACHING applies to one command (or one transaction) only. */
  clearCachingGiven(): void {
    if (this.tracking !== undefined) this.tracking.caching = false;
  }

  startMonitor(): 'started' | 'already' {
    if (this.monitoring || this.isReplica) return 'already';
    this.monitoring = true;
    this.core.state.monitor.monitors.add(this);
    return 'started';
  }

  stopMonitor(): void {
    if (!this.monitoring) return;
    this.monitoring = false;
    this.core.state.monitor.monitors.delete(this);
  }

  /** How MONITOR names this client: its address, or `unix:<path>` for a Unix socket client. */
  get monitorSource(): string {
    return this.unixPath !== undefined ? `unix:${this.unixPath}` : this.addr;
  }

  // --- transactions (Redis multi.c) ---

  multi(): Reply {
    if (this.multiQueue !== undefined) return error(ERR_MULTI_NESTED);
    this.multiQueue = [];
    this.multiError = false;
    return OK;
  }

  discard(): Reply {
    if (this.multiQueue === undefined) return error(ERR_DISCARD_WITHOUT_MULTI);
    this.discardMulti();
    this.unwatch();
    return OK;
  }

  private discardMulti(): void {
    this.multiQueue = undefined;
    this.multiError = false;
  }

  exec(): Reply {
    const queue = this.multiQueue;
    if (queue === undefined) return error(ERR_EXEC_WITHOUT_MULTI);
    const doomed = this.multiError;
    this.discardMulti();
    if (doomed) {
      this.unwatch();
      return error(ERR_EXECABORT);
    }
    const aborted = this.dirtyCas || this.watchedKeyExpired();
    this.unwatch();
    if (aborted) return NULL_ARRAY;
    if (queue.length === 0) return EMPTY_ARRAY;
    this.out.header(0x2a, queue.length); // *
    this.inMulti = true;
    this.execLength = queue.length;
    try {
      for (const { spec, argv } of queue) {
        const refusal = this.core.execRefusal(this, spec, argv);
        if (refusal !== undefined) this.reply(refusal);
        else this.core.call(this, spec, argv);
      }
    } finally {
      this.inMulti = false;
      this.execLength = -1;
      // EXEC itself changed nothing: its commands counted and propagated their own changes.
      this.ctx.dirty = 0;
      this.ctx.propagated = undefined;
    }
    return RAW_EMPTY;
  }

  watch(keys: readonly string[]): Reply {
    if (this.multiQueue !== undefined) return error(ERR_WATCH_IN_MULTI);
    const db = this.core.keyspace.db(this.dbIndex);
    const now = Date.now();
    for (const key of keys) {
      if (this.watched.some((w) => w.db === this.dbIndex && w.key === key)) continue;
      const ttl = db.getExpire(key);
      const stored = ttl !== undefined && db.contains(key);
      const hadLiveTtl = stored && ttl > now;
      this.watched.push({ db: this.dbIndex, key, hadLiveTtl, expired: stored && ttl <= now });
      this.core.watch.watch(this.dbIndex, key, this);
    }
    return OK;
  }

  unwatch(): void {
    for (const w of this.watched) this.core.watch.unwatch(w.db, w.key, this);
    this.watched = [];
    this.dirtyCas = false;
  }

  /** Redis touchWatchedKey for this client: the deletion of a key that was expired when WATCHed is no change. */
  watchedKeyTouched(db: number, key: string): void {
    const w = this.watched.find((x) => x.db === db && x.key === key);
    if (w?.expired === true) {
      w.expired = false;
      if (!this.core.keyspace.db(db).contains(key)) return;
    }
    this.dirtyCas = true;
  }

  private watchedKeyExpired(): boolean {
    const now = Date.now();
    return this.watched.some((w) => w.hadLiveTtl && this.core.keyspace.db(w.db).isExpired(w.key, now));
  }

  // --- pub/sub (Redis pubsub.c) ---

  subscribe(kind: SubscriptionKind, names: readonly string[]): Reply {
    const set = this.subscriptions[kind];
    let bytes = '';
    for (const name of names) {
      if (!set.has(name)) {
        set.add(name);
        this.core.state.pubsub.add(kind, name, this);
      }
      bytes += this.confirmation(SUBSCRIBE_WORDS[kind], name, this.countFor(kind));
    }
    return this.pushed(bytes);
  }

  unsubscribe(kind: SubscriptionKind, names: readonly string[]): Reply {
    if (names.length === 0) return this.pushed(this.unsubscribeAll(kind, true));
    let bytes = '';
    for (const name of names) {
      if (this.subscriptions[kind].delete(name)) this.core.state.pubsub.remove(kind, name, this);
      bytes += this.confirmation(UNSUBSCRIBE_WORDS[kind], name, this.countFor(kind));
    }
    return this.pushed(bytes);
  }

  /**
   * (Un)subscribe confirmations are pushes: Redis sends them even under CLIENT REPLY OFF or SKIP. When
   * the command's reply would be dropped they are queued here, in order; otherwise they are the reply
   * (inside EXEC they belong in EXEC's array).
   */
  private pushed(bytes: string): Reply {
    if ((this.replyMode === 'off' || this.skipCurrent) && !this.inMulti) {
      this.out.raw(bytes);
      return RAW_EMPTY;
    }
    return { kind: 'raw', bytes };
  }

  /** Leaves every subscription of a kind; the confirmations (only built when asked). */
  unsubscribeAll(kind: SubscriptionKind, confirm = false): string {
    const set = this.subscriptions[kind];
    let bytes = '';
    if (confirm && set.size === 0) {
      return this.confirmation(UNSUBSCRIBE_WORDS[kind], undefined, this.countFor(kind));
    }
    for (const name of [...set]) {
      set.delete(name);
      this.core.state.pubsub.remove(kind, name, this);
      if (confirm) bytes += this.confirmation(UNSUBSCRIBE_WORDS[kind], name, this.countFor(kind));
    }
    return bytes;
  }

  private countFor(kind: SubscriptionKind): number {
    return kind === 'shard' ? this.subscriptions.shard.size : this.subscriptionCount;
  }

  /** A (un)subscribe confirmation push; `name` undefined is the nil of an UNSUBSCRIBE with no subscriptions. */
  private confirmation(word: string, name: string | undefined, count: number): string {
    return encodeReply(push([bulk(word), bulkOrNull(name), integer(count)]), this.protocol);
  }

  // --- blocking (Redis blocked.c) ---

  unblock(withError: boolean): boolean {
    const state = this.blockedState;
    if (state === undefined) return false;
    this.core.endBlock(this);
    if (withError) {
      this.reply(error(ERR_UNBLOCKED));
    } else {
      this.ctx.now = Date.now();
      this.ctx.db = this.core.keyspace.db(state.db);
      this.reply(state.request.onTimeout(this.ctx));
    }
    this.core.resumeAfterBlock(this);
    return true;
  }

  /**
   * CLIENT LIST's buffer fields as Redis 7.0 shows them: the query buffer holds the whole batch read
   * until it has run (so the running command counts), allocated at 20 KB on the first read (jemalloc's
   * class for 16 KB plus the sds header: free = 20474 − qbuf); queued output fills the 16 KB reply
   * buffer first (obl), then 16 KB blocks (oll, omem); tot-mem adds those to the client's own size.
   */
  /** The client's memory as maxmemory-clients counts it (CLIENT LIST tot-mem). */
  memoryUsage(): number {
    return this.bufferInfo().totMem;
  }

  private bufferInfo(): Pick<
    ClientInfo,
    'qbuf' | 'qbufFree' | 'argvMem' | 'obl' | 'oll' | 'omem' | 'totMem'
  > {
    const qbuf = this.inputBatchBytes >= 0 ? this.inputBatchBytes : this.parser.buffered;
    const allocated = this.hasRead ? Math.max(QUERY_BUFFER_ALLOC, qbuf) : 0;
    let argvMem = 0;
    for (const a of this.runningArgv ?? []) argvMem += a.length;
    const pending = this.out.length + this.socket.writableLength;
    const obl = Math.min(pending, REPLY_BUFFER_BYTES);
    const omem = pending - obl;
    return {
      qbuf,
      qbufFree: allocated - Math.min(qbuf, allocated),
      argvMem,
      obl,
      oll: Math.ceil(omem / REPLY_BUFFER_BYTES),
      omem,
      totMem:
        CLIENT_STRUCT_BYTES +
        (allocated === 0 ? 0 : allocated + SDS_ALLOC_OVERHEAD) +
        REPLY_BUFFER_BYTES +
        argvMem +
        omem,
    };
  }

  info(now: number): ClientInfo {
    // Redis catClientInfoString's order.
    const tracking = this.tracking;
    const flags =
      (this.isReplica ? 'S' : this.monitoring ? 'O' : '') +
      (this.isMaster ? 'M' : '') +
      (this.inPubsubMode ? 'P' : '') +
      (this.multiQueue !== undefined || this.execLength >= 0 ? 'x' : '') +
      (this.blocked ? 'b' : '') +
      (tracking !== undefined ? 't' : '') +
      (tracking?.brokenRedirect === true ? 'R' : '') +
      (tracking?.bcast === true ? 'B' : '') +
      (this.dirtyCas ? 'd' : '') +
      (this.closing ? 'c' : '') +
      (this.unixPath !== undefined ? 'U' : '') +
      (this.noEvict ? 'e' : '');
    return {
      id: this.id,
      addr: this.addr,
      laddr: this.laddr,
      fd: socketFd(this.socket),
      name: this.name,
      age: Math.floor((now - this.createdAt) / 1000),
      idle: Math.floor((now - this.lastInteraction) / 1000),
      flags: flags === '' ? 'N' : flags,
      db: this.dbIndex,
      sub: this.subscriptions.channel.size,
      psub: this.subscriptions.pattern.size,
      ssub: this.subscriptions.shard.size,
      multi: this.multiQueue?.length ?? this.execLength,
      ...this.bufferInfo(),
      cmd: this.lastCommand,
      user: this.aclUser?.name ?? '(superuser)',
      redir: tracking === undefined ? -1 : tracking.redirect,
      resp: this.protocol,
    };
  }
}

const SUBSCRIBE_WORDS: Record<SubscriptionKind, string> = {
  channel: 'subscribe',
  pattern: 'psubscribe',
  shard: 'ssubscribe',
};
const UNSUBSCRIBE_WORDS: Record<SubscriptionKind, string> = {
  channel: 'unsubscribe',
  pattern: 'punsubscribe',
  shard: 'sunsubscribe',
};

/** `ip:port`, with IPv6 in brackets-free Redis style (`::1:6379`) and IPv4-mapped addresses unwrapped. */
export function formatAddress(ip: string | undefined, port: number | undefined): string {
  const host =
    (ip ?? '?').startsWith('::ffff:') && (ip ?? '').includes('.') ? (ip ?? '').slice(7) : (ip ?? '?');
  return `${host}:${port ?? 0}`;
}
