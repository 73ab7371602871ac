/**
 * Server-wide state that commands can see through ServerHooks: live config, stats counters, the
 * command table, the client registry. It holds no sockets, so unit tests can build one alone.
 */
import { randomBytes } from 'node:crypto';
import type {
  ClientInfo,
  ClientView,
  CommandSpec,
  ServerConfig,
  ServerHooks,
  ServerStats,
  Session,
} from '../commands/index.js';
import { ConfigError, type RenameCommand } from '../config/index.js';
import { PubSubRegistry } from './pubsub.js';

/** Redis 7.0's defaults for the settings the server acts on. */
export function defaultConfig(): ServerConfig {
  return {
    port: 6379,
    bind: ['*', '-::*'],
    requirepass: '',
    timeout: 0,
    tcpKeepalive: 300,
    maxclients: 10000,
    protectedMode: true,
    protoMaxBulkLen: 512 * 1024 * 1024,
    hz: 10,
    databases: 16,
    unixsocket: '',
    unixsocketperm: 0,
    clientOutputBufferLimit: {
      normal: { hardBytes: 0, softBytes: 0, softSeconds: 0 },
      replica: { hardBytes: 256 * 1024 * 1024, softBytes: 64 * 1024 * 1024, softSeconds: 60 },
      pubsub: { hardBytes: 32 * 1024 * 1024, softBytes: 8 * 1024 * 1024, softSeconds: 60 },
    },
    extra: new Map(),
  };
}

export function emptyStats(): ServerStats {
  return {
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    rejectedConnections: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    dirty: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
    clientOutputBufferLimitDisconnections: 0,
  };
}

/** What the server registers per connection so the state can list, find and act on it. */
export interface RegisteredClient extends Session {
  readonly view: ClientView;
  info(now: number): ClientInfo;
  readonly blocked: boolean;
  /** Closes the connection after its pending replies are written. */
  kill(): void;
  /** Ends a blocking command: as a timeout, or with an UNBLOCKED error. False if not blocked. */
  unblock(withError: boolean): boolean;
}

/** Called with (dbIndex, argv) for every change to replicate or append (replication/AOF hook). */
export type Propagator = (dbIndex: number, argv: readonly string[]) => void;

type PendingPropagation = readonly [number, readonly string[]];
const MULTI: readonly string[] = Object.freeze(['MULTI']);
const EXEC: readonly string[] = Object.freeze(['EXEC']);

export class ServerState implements ServerHooks {
  readonly stats: ServerStats = emptyStats();
  readonly startedAtMs = Date.now();
  readonly runId = randomBytes(20).toString('hex');
  readonly services = new Map<string, unknown>();
  readonly boundPorts: number[] = [];
  /** Connected clients by id, in connection order (CLIENT LIST order). */
  readonly registry = new Map<number, RegisteredClient>();
  readonly pubsub = new PubSubRegistry();
  readonly propagators: Propagator[] = [];
  /** Open execution units (see beginUnit) and what they propagated so far. */
  private unitDepth = 0;
  private pendingPropagation: PendingPropagation[] = [];
  /** CLIENT PAUSE: until when (unix ms) and what it holds; 0 = not paused. */
  pausedUntil = 0;
  pauseMode: 'all' | 'write' = 'all';
  /** Called when a pause ends (by UNPAUSE or by its timer) so held clients resume. */
  onUnpause: () => void = () => undefined;
  private pauseTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: ServerConfig,
    readonly commands: ReadonlyMap<string, CommandSpec>,
  ) {}

  clients(): readonly ClientInfo[] {
    const now = Date.now();
    return [...this.registry.values()].map((c) => c.info(now));
  }

  blockedClients(): number {
    let n = 0;
    for (const c of this.registry.values()) if (c.blocked) n++;
    return n;
  }

  pubsubChannelCount(): number {
    return this.pubsub.channels.size;
  }

  pubsubPatternCount(): number {
    return this.pubsub.patterns.size;
  }

  session(client: ClientView): Session | undefined {
    return this.registry.get(client.id);
  }

  publish(kind: 'channel' | 'shard', channel: string, message: string): number {
    return this.pubsub.publish(kind, channel, message);
  }

  pubsubChannels(kind: 'channel' | 'shard', pattern: string | undefined): string[] {
    return this.pubsub.activeChannels(kind, pattern);
  }

  pubsubNumsub(kind: 'channel' | 'shard', channel: string): number {
    return this.pubsub.numsub(kind, channel);
  }

  killClients(select: (client: ClientInfo) => boolean): number {
    const now = Date.now();
    let killed = 0;
    for (const c of [...this.registry.values()]) {
      if (!select(c.info(now))) continue;
      c.kill();
      killed++;
    }
    return killed;
  }

  pauseClients(untilMs: number, mode: 'all' | 'write'): void {
    // Like Redis, a second pause never shortens the first one nor weakens ALL to WRITE.
    if (this.pausedUntil !== 0 && this.pauseMode === 'all') mode = 'all';
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    this.pauseMode = mode;
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.unpauseClients(), Math.max(0, this.pausedUntil - Date.now()));
  }

  unpauseClients(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    if (this.pausedUntil === 0) return;
    this.pausedUntil = 0;
    this.onUnpause();
  }

  /** True when CLIENT PAUSE holds a command with these flags now. */
  isPaused(isWrite: boolean): boolean {
    if (this.pausedUntil === 0) return false;
    return this.pauseMode === 'all' || isWrite;
  }

  unblockClient(id: number, withError: boolean): boolean {
    return this.registry.get(id)?.unblock(withError) ?? false;
  }

  addPropagator(listener: Propagator): void {
    this.propagators.push(listener);
  }

  /**
   * A change to replicate. Inside an execution unit it is held until the unit ends (Redis
   * alsoPropagate); outside one (active expiry, eviction before a command) it goes out at once.
   */
  propagate(dbIndex: number, argv: readonly string[]): void {
    if (this.propagators.length === 0) return;
    if (this.unitDepth > 0) this.pendingPropagation.push([dbIndex, argv]);
    else this.emit(dbIndex, argv);
  }

  /**
   * Should be called before a client's command runs (EXEC included; the commands EXEC runs are
   * nested in it). Everything the command propagates, lazy-expiry DELs included, is held until the
   * matching endUnit.
   */
  beginUnit(): void {
    this.unitDepth++;
  }

  /**
   * Should be called after the command of the matching beginUnit. Like Redis 7.0's
   * propagatePendingCommands: when the outermost unit propagated more than one command, they go out
   * wrapped in MULTI … EXEC (MULTI with the first command's db, EXEC with the last one's), so a
   * replica or the AOF applies them atomically.
   */
  endUnit(): void {
    if (--this.unitDepth > 0 || this.pendingPropagation.length === 0) return;
    const ops = this.pendingPropagation;
    this.pendingPropagation = [];
    if (ops.length === 1) {
      const [db, argv] = ops[0] as PendingPropagation;
      this.emit(db, argv);
      return;
    }
    this.emit((ops[0] as PendingPropagation)[0], MULTI);
    for (const [db, argv] of ops) this.emit(db, argv);
    this.emit((ops[ops.length - 1] as PendingPropagation)[0], EXEC);
  }

  private emit(dbIndex: number, argv: readonly string[]): void {
    for (const p of this.propagators) p(dbIndex, argv);
  }

  /** Stops timers the state owns (server shutdown). */
  dispose(): void {
    clearTimeout(this.pauseTimer);
  }
}

/**
 * The command table by lowercase name, with redis.conf's `rename-command` lines applied in order, as
 * Redis does: the command moves to the new name (or leaves the table when the new name is ""), but
 * keeps its own name for COMMAND INFO/LIST and error messages. Throws Redis's config error for a
 * line that names no command or a taken name.
 */
export function commandTable(
  specs: readonly CommandSpec[],
  renames: readonly RenameCommand[] = [],
): Map<string, CommandSpec> {
  const table = new Map(specs.map((c) => [c.name.toLowerCase(), c]));
  for (const { from, to, where } of renames) {
    const spec = table.get(from.toLowerCase());
    if (spec === undefined) throw new ConfigError('No such command in rename-command', where);
    table.delete(from.toLowerCase());
    if (to === '') continue;
    if (table.has(to.toLowerCase())) throw new ConfigError('Target command name already exists', where);
    table.set(to.toLowerCase(), spec);
  }
  return table;
}
