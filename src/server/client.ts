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

const RAW_EMPTY: Reply = Object.freeze({ kind: 'raw', bytes: '' });

/** The per-client CommandContext, reused for every command of the client (no allocation per call). */
class ClientContext implements CommandContext {
  db: Database;
  now = 0;
  dirty = 0;
  propagated: (readonly string[])[] | undefined;
  constructor(
    readonly keyspace: Keyspace,
    readonly client: ClientView,
    readonly server: ServerPorts,
    private readonly core: ClientHost,
  ) {
    this.db = keyspace.db(0);
  }
  keyModified(key: string, db?: Database): void {
    this.dirty++;
    this.core.watch.touch((db ?? this.db).index, key);
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
  /** When the output buffer first went over the soft limit (0 = it is under it). */
  softLimitSince = 0;
  readonly addr: string;
  readonly laddr: string;
  /** The master's client on a replica (flag M): runs the replication stream, never gets replies. */
  isMaster = false;
  /** A replica of this server after SYNC/PSYNC (flag S): its output is the replication stream. */
  isReplica = false;
  /** This connection as the replication room sees it, once it sent REPLCONF/SYNC/PSYNC. */
  replicaChannel: ReplicaChannel | undefined;

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
  }

  /**
   * Queues bytes produced outside this client's own command (pub/sub messages), then schedules a
   * flush. Delivered whatever CLIENT REPLY says, as Redis pushes them (CLIENT_PUSHING).
   */
  deliver(bytes: string): void {
    if (this.closed) return;
    this.out.raw(bytes);
    this.core.scheduleFlush(this);
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

  info(now: number): ClientInfo {
    const flags =
      (this.isMaster ? 'M' : '') +
      (this.isReplica ? 'S' : '') +
      (this.blocked ? 'b' : '') +
      (this.inPubsubMode ? 'P' : '') +
      (this.multiQueue !== undefined || this.execLength >= 0 ? 'x' : '') +
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
      qbuf: this.parser.buffered,
      omem: this.out.length + this.socket.writableLength,
      cmd: this.lastCommand,
      user: this.aclUser?.name ?? '(superuser)',
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
