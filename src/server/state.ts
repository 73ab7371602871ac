/**
 * Server-wide state that commands see through their ports (ServerPorts): the live config, stats
 * counters, command statistics, the slow log, the command table, the client registry, pub/sub. It
 * holds no sockets, so unit tests can build one alone. Rooms that may be absent (persistence,
 * replication) are set on it as optional ports by whoever starts them.
 */
import { randomBytes } from 'node:crypto';
import type {
  ActiveExpiryPort,
  CronPort,
  ClientInfo,
  ClientView,
  ClientsPort,
  CommandSpec,
  EvictionPort,
  PersistencePort,
  ReplicationPort,
  Scripting,
  ServerPorts,
  ServerStats,
  Session,
  ShutdownPort,
} from '../commands/index.js';
import { ConfigError, RedisConfig, type RenameCommand } from '../config/index.js';
import { Acl, type AclClient } from './acl/index.js';
import { CommandStats } from './command-stats.js';
import { ConfigAdmin } from './config-binding.js';
import { LatencyMonitor } from './latency.js';
import { MigrateSockets } from './migrate-sockets.js';
import { InputWatch } from './input-watch.js';
import { MonitorFeed } from './monitor.js';
import { KeyspaceNotifier } from './notify.js';
import { PubSubRegistry } from './pubsub.js';
import { SlowLog } from './slowlog.js';
import { ClientTracking, type TrackedClient, type TrackingState } from './tracking.js';

/** Redis 7.0's defaults: a fresh live config with nothing loaded. */
export function defaultConfig(): RedisConfig {
  return new RedisConfig();
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
    evictedClients: 0,
    dirty: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
    clientOutputBufferLimitDisconnections: 0,
    clientRecentMaxInputBuffer: 0,
    clientRecentMaxOutputBuffer: 0,
    syncFull: 0,
    syncPartialOk: 0,
    syncPartialErr: 0,
  };
}

/** What the server registers per connection so the state can list, find and act on it. */
export interface RegisteredClient extends Session, TrackedClient, AclClient {
  tracking: TrackingState | undefined;
  readonly view: ClientView;
  info(now: number): ClientInfo;
  readonly blocked: boolean;
  /** Closes the connection after its pending replies are written. */
  kill(): void;
  /** Ends a blocking command: as a timeout, or with an UNBLOCKED error. False if not blocked. */
  unblock(withError: boolean): boolean;
}

/** processCommand's replication checks (READONLY, NOREPLICAS, MASTERDOWN), from the replication room. */
export interface ReplicationChecks {
  refusal(
    traits: { readonly write: boolean; readonly stale: boolean },
    fromMaster: boolean,
  ): string | undefined;
}

/** Called with (dbIndex, argv) for every change to replicate or append (replication/AOF hook). */
export type Propagator = (dbIndex: number, argv: readonly string[]) => void;

const MULTI: readonly string[] = Object.freeze(['MULTI']);
const EXEC: readonly string[] = Object.freeze(['EXEC']);
const EMPTY_ARGV: readonly string[] = Object.freeze([]);

export class ServerState implements ServerPorts {
  readonly stats: ServerStats = emptyStats();
  readonly startedAtMs = Date.now();
  readonly runId = randomBytes(20).toString('hex');
  readonly commandStats = new CommandStats();
  readonly slowlog: SlowLog;
  readonly configAdmin: ConfigAdmin;
  readonly clients: ClientsPort;
  /** ACL users, the default user's password (requirepass), the ACL log. */
  readonly acl: Acl;
  persistence: PersistencePort | undefined;
  replication: ReplicationPort | undefined;
  shutdown: ShutdownPort | undefined;
  activeExpiry: ActiveExpiryPort | undefined;
  /** DEBUG PAUSE-CRON: the server cron skips its work while paused. */
  readonly cron: CronPort = { paused: false };
  eviction: EvictionPort | undefined;
  scripting: Scripting | undefined;
  /** MIGRATE's cached connections to target instances. */
  readonly migrate = new MigrateSockets();
  replicationChecks: ReplicationChecks | undefined;
  private lastClientId = 0;
  /** INFO process_supervised: set by launchServer from the `supervised` decision. */
  supervised: 'no' | 'upstart' | 'systemd' = 'no';
  readonly boundPorts: number[] = [];
  /** Connected clients by id, in connection order (CLIENT LIST order). */
  readonly registry = new Map<number, RegisteredClient>();
  /** Whether a client has bytes not read yet: sliced snapshots end a slice early for them. */
  readonly inputWatch = new InputWatch();
  readonly pubsub = new PubSubRegistry();
  readonly keyspaceEvents: KeyspaceNotifier;
  /** Client-side caching: the tracking table, BCAST prefixes, invalidation messages. */
  readonly tracking: ClientTracking;
  /** Clients in MONITOR mode. */
  readonly monitor = new MonitorFeed();
  /** LATENCY's events and per-command histograms. */
  readonly latency: LatencyMonitor;
  readonly propagators: Propagator[] = [];
  /** Run before any reply is written to a socket (the AOF writes, and fsyncs under always, there). */
  readonly beforeReplies: (() => void)[] = [];
  /** Run after a full sync replaced the dataset (the AOF restarts with a rewrite, as restartAOFAfterSYNC). */
  readonly afterDatasetReplaced: (() => void)[] = [];
  /** Open execution units (see beginUnit) and what they propagated so far. */
  private unitDepth = 0;
  // Parallel arrays reused across units (slots overwritten, never shrunk), pendingCount of them in
  // use: no [db, argv] tuple or fresh array is allocated per write.
  private readonly pendingDbs: number[] = [];
  private readonly pendingArgvs: (readonly string[])[] = [];
  private pendingCount = 0;
  /** CLIENT PAUSE: until when (unix ms) and what it holds; 0 = not paused. */
  pausedUntil = 0;
  pauseMode: 'all' | 'write' = 'all';
  /** Called when a pause ends (by UNPAUSE or by its timer) so held clients resume. */
  onUnpause: () => void = () => undefined;
  private pauseTimer: NodeJS.Timeout | undefined;

  constructor(
    /** The one config model; commands see it read-only (ConfigView), CONFIG SET goes through configAdmin. */
    readonly config: RedisConfig,
    readonly commands: ReadonlyMap<string, CommandSpec>,
  ) {
    this.slowlog = new SlowLog(config);
    this.acl = new Acl(config, () => this.registry.values());
    this.configAdmin = new ConfigAdmin(config, () => this.acl.rewriteLines());
    config.onApply('requirepass', (c) => {
      this.acl.setDefaultPassword(c.getString('requirepass'));
      return undefined;
    });
    this.keyspaceEvents = new KeyspaceNotifier(config, this.pubsub);
    this.tracking = new ClientTracking(
      (id) => this.registry.get(id),
      () => this.registry.values(),
    );
    this.latency = new LatencyMonitor(config);
    this.clients = {
      list: () => this.listClients(),
      blockedCount: () => this.blockedClients(),
      session: (client) => this.session(client),
      kill: (select) => this.killClients(select),
      pause: (untilMs, mode) => this.pauseClients(untilMs, mode),
      unpause: () => this.unpauseClients(),
      unblock: (id, withError) => this.unblockClient(id, withError),
      exists: (id) => this.registry.has(id),
    };
  }

  /** The next client id (CLIENT ID): connections and the master's client share the sequence. */
  allocateClientId(): number {
    return ++this.lastClientId;
  }

  listClients(): readonly ClientInfo[] {
    const now = Date.now();
    return [...this.registry.values()].map((c) => c.info(now));
  }

  blockedClients(): number {
    let n = 0;
    for (const c of this.registry.values()) if (c.blocked) n++;
    return n;
  }

  session(client: ClientView): Session | undefined {
    return this.registry.get(client.id);
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
    if (this.unitDepth > 0) {
      const i = this.pendingCount++;
      if (i < this.pendingDbs.length) {
        this.pendingDbs[i] = dbIndex;
        this.pendingArgvs[i] = argv;
      } else {
        this.pendingDbs.push(dbIndex);
        this.pendingArgvs.push(argv);
      }
    } else this.emit(dbIndex, argv);
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
    if (--this.unitDepth > 0) return;
    const n = this.pendingCount;
    if (n === 0) return;
    this.pendingCount = 0;
    if (n === 1) {
      const argv = this.pendingArgvs[0] as readonly string[];
      this.pendingArgvs[0] = EMPTY_ARGV; // not kept alive by the reused slot
      this.emit(this.pendingDbs[0] as number, argv);
      return;
    }
    // Copied out before emitting: a propagator must not see the slots being reused under it.
    const dbs = this.pendingDbs.slice(0, n);
    const argvs = this.pendingArgvs.slice(0, n);
    if (n > 1024) {
      // A huge transaction: do not keep its slots around.
      this.pendingDbs.length = 0;
      this.pendingArgvs.length = 0;
    } else this.pendingArgvs.fill(EMPTY_ARGV, 0, n);
    this.emit(dbs[0] as number, MULTI);
    for (let i = 0; i < n; i++) this.emit(dbs[i] as number, argvs[i] as readonly string[]);
    this.emit(dbs[n - 1] as number, EXEC);
  }

  private emit(dbIndex: number, argv: readonly string[]): void {
    for (const p of this.propagators) p(dbIndex, argv);
  }

  /** Stops timers the state owns (server shutdown). */
  dispose(): void {
    clearTimeout(this.pauseTimer);
    this.inputWatch.close();
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
