/**
 * `startServer`: TCP listeners (Redis `bind` list, `-` for optional addresses, IPv6), accept-time
 * checks (maxclients, protected mode), keepalive, and the periodic cron (active expiry, idle timeout).
 */
import { performance } from 'node:perf_hooks';
import { ERR_DENIED_PROTECTED_MODE, ERR_MAX_CLIENTS } from '../resp/index.js';
import type { Socket } from 'node:net';
import { allCommands, type CommandSpec } from '../commands/index.js';
import { RedisConfig, type RenameCommand, type ServerSettings, type UserDirective } from '../config/index.js';
import type { Replication, ReplicationRdb } from '../replication/index.js';
import { ActiveExpirer } from '../store/index.js';
import { Client } from './client.js';
import { applyOverrides, bindListenerConfig, type SettingsOverrides } from './config-binding.js';
import { readThroughSharedBuffer, socketFd } from './connection.js';
import { ServerCore } from './core.js';
import { ListenError, Listeners } from './listeners.js';
import { attachReplication } from './replication.js';
import { ServerState, commandTable } from './state.js';

export interface ServerOptions {
  /** The live config (a loaded redis.conf); Redis's defaults when absent. */
  readonly redisConfig?: RedisConfig;
  /**
   * Settings set on top of it, as a config file would. Port 0 picks a free port; without a
   * `redisConfig` it is then recorded as the port.
   */
  readonly config?: SettingsOverrides;
  /** The command table; all families by default. */
  readonly commands?: readonly CommandSpec[];
  /** redis.conf `rename-command` lines, applied to the command table in order. */
  readonly renameCommands?: readonly RenameCommand[];
  /** redis.conf `user` lines (already checked by loadServerConfig); loaded with the aclfile at start. */
  readonly users?: readonly UserDirective[];
  /** Where to log notices (listening, bind failures); silent when absent. */
  readonly log?: (line: string) => void;
  /** The RDB codec and snapshot for full syncs (from persistence); without it full syncs fail. */
  readonly replicationRdb?: () => ReplicationRdb | undefined;
  /**
   * Runs once the server state exists and before anything listens (the RDB load at start). A throw
   * stops the start: nothing is bound.
   */
  readonly beforeListen?: (
    state: ServerState,
    core: ServerCore,
    replayer: () => (argv: string[]) => void,
  ) => void;
  /**
   * Runs once the server listens (the dataset load at start, in slices): clients connect meanwhile
   * and get LOADING; the cron's expiry and `onCron` wait, and replication starts only after it.
   * A rejection stops the server and rejects the start.
   */
  readonly loadDataset?: () => Promise<void>;
  /** Runs on every server cron tick once loaded (save points). */
  readonly onCron?: (now: number) => void;
}

export interface RunningServer {
  /** The first bound port. */
  readonly port: number;
  readonly state: ServerState;
  readonly core: ServerCore;
  readonly replication: Replication;
  close(): Promise<void>;
}

const DENIED = `-${ERR_DENIED_PROTECTED_MODE}\r\n`;
const MAX_CLIENTS = `-${ERR_MAX_CLIENTS}\r\n`;
/** Share of each cron period that active expiry may use (Redis ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC). */
const EXPIRE_TIME_SHARE = 0.25;

/**
 * Starts a server. Listening is synchronous (see listeners.ts); the promise is kept so callers need not
 * care, and a listen failure arrives as a rejection.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const server = startListening(options);
  if (options.loadDataset !== undefined) {
    try {
      await options.loadDataset();
    } catch (err) {
      await server.close();
      throw err;
    }
  }
  // Replication: a master with no replicas until one attaches, or a replica of `replicaof`.
  server.replication.start(server.state.config.replicaOf());
  return server;
}

function startListening(options: ServerOptions): RunningServer {
  const config = options.redisConfig ?? new RedisConfig();
  if (options.config !== undefined) applyOverrides(config, options.config);
  const state = new ServerState(
    config,
    commandTable(options.commands ?? allCommands, options.renameCommands),
  );
  // Users from redis.conf or the aclfile (ACLLoadUsersAtStartup): a bad file stops the start.
  state.acl.loadAtStartup(options.users ?? []);
  const core = new ServerCore(state);
  const log = options.log ?? (() => undefined);
  const sockets = new Set<Socket>();

  const onConnection = (accepted: Socket, unixPath?: string): void => {
    state.stats.totalConnectionsReceived++;
    accepted.on('error', () => undefined);
    const refusal = admissionError(
      config,
      state.registry.size,
      accepted.remoteAddress,
      unixPath !== undefined,
      state.acl.defaultUserNopass(),
    );
    if (refusal !== undefined) {
      state.stats.rejectedConnections++;
      sockets.add(accepted);
      accepted.on('close', () => sockets.delete(accepted));
      accepted.end(refusal);
      return;
    }
    // The Client needs the socket and the socket's reader needs the Client: the reader finds it here.
    const reader: { client?: Client } = {};
    let socket: Socket;
    try {
      socket = readThroughSharedBuffer(accepted, (bytes) => {
        const client = reader.client;
        // A client being closed (protocol error, QUIT, kill) gets no more parsing: Redis close()s the fd.
        if (client === undefined || client.closing || client.closed) return;
        state.stats.totalNetInputBytes += bytes.length;
        client.lastInteraction = Date.now();
        client.parser.feed(bytes);
        core.processInput(client);
        client.parser.ownBytes(bytes);
      });
    } catch (err) {
      log(`Error registering fd event for the new client: ${(err as Error).message}`);
      return;
    }
    sockets.add(socket);
    state.inputWatch.add(socketFd(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    if (config.tcpKeepalive > 0) socket.setKeepAlive(true, config.tcpKeepalive * 1000);
    const c = new Client(state.allocateClientId(), socket, core, unixPath);
    reader.client = c;
    state.registry.set(c.id, c);
    socket.on('close', () => {
      sockets.delete(socket);
      core.forget(c);
    });
  };

  // Redis's AOF fake client: no connection, authenticated, database 0; its replies are dropped.
  const replayer = (): ((argv: string[]) => void) => {
    const fake = {
      remoteAddress: undefined,
      remotePort: undefined,
      localAddress: undefined,
      localPort: undefined,
      writableLength: 0,
      write: () => true,
      destroy: () => undefined,
      end: () => undefined,
      on: () => fake,
      once: () => fake,
    };
    const c = new Client(0, fake as unknown as Socket, core);
    c.authenticated = true;
    c.loader = true;
    c.aclUser = undefined;
    return (argv) => {
      core.processCommand(c, argv);
      c.out.takeView();
    };
  };
  options.beforeListen?.(state, core, replayer);
  const listeners = new Listeners(onConnection, log);
  listeners.start({ bind: [...config.bind], port: config.port });
  if (config.unixsocket !== '') {
    try {
      listeners.startUnix(config.unixsocket, config.unixsocketperm);
    } catch (err) {
      void listeners.close();
      throw err;
    }
  }
  if (!listeners.listening) {
    void listeners.close();
    throw new ListenError('Configured to not listen anywhere, exiting.');
  }
  state.boundPorts.push(listeners.boundPort);
  if (options.redisConfig === undefined && config.port === 0) recordBoundPort(config, listeners.boundPort);
  bindListenerConfig(config, (bind, port) => {
    const ok = listeners.change({ bind: [...bind], port });
    state.boundPorts.length = 0;
    state.boundPorts.push(listeners.boundPort);
    return ok;
  });

  const replication = attachReplication(core, log, () => options.replicationRdb?.());

  const expirer = new ActiveExpirer(core.keyspace);
  // DEBUG SET-ACTIVE-EXPIRE switches the expirer through this port.
  state.activeExpiry = expirer;
  let lastTimeoutCheck = 0;
  const bufferPeaks = new ClientBufferPeaks();
  const cronPeriod = (): number => 1000 / Math.max(1, Math.min(500, config.hz));
  let cron: NodeJS.Timeout;
  const serverCron = (): void => {
    const now = Date.now();
    if (state.cron.paused) {
      cron = setTimeout(serverCron, cronPeriod());
      return;
    }
    // A script past busy-reply-threshold owns the keyspace: Redis runs no serverCron then (no active
    // expiry, save points, blocked-key serving or client eviction).
    if (state.scripting?.busy !== undefined) {
      cron = setTimeout(serverCron, cronPeriod());
      return;
    }
    // While the dataset loads only clients are looked after (Redis runs no serverCron then); a
    // replica's async loading serves its old data meanwhile, so the rest of the server runs on.
    const inLoad = state.persistence?.loading;
    const loading = inLoad !== undefined && !inLoad.async;
    if (!loading) {
      const expireStarted = performance.now();
      expirer.cycle(now, cronPeriod() * EXPIRE_TIME_SHARE);
      state.latency.addSampleIfNeeded('expire-cycle', Math.floor(performance.now() - expireStarted));
    }
    if (now - lastTimeoutCheck >= 1000) {
      lastTimeoutCheck = now;
      closeIdleClients(state, core, now);
      bufferPeaks.sample(state, now);
      state.migrate.closeIdle(now);
    }
    if (!loading) {
      core.serveReadyKeys();
      options.onCron?.(now);
    }
    core.evictClients();
    cron = setTimeout(serverCron, cronPeriod());
  };
  cron = setTimeout(serverCron, cronPeriod());

  return {
    port: listeners.boundPort,
    state,
    core,
    replication,
    async close(): Promise<void> {
      clearTimeout(cron);
      state.migrate.closeAll();
      core.stopScripts();
      replication.stop();
      state.dispose();
      for (const c of state.registry.values()) core.endBlock(c as Client);
      for (const s of sockets) s.destroy();
      await listeners.close();
    },
  };
}

/**
 * Port 0 given to startServer without a loaded config means "any free port" (tests, embeddings): the
 * config then says which one, so CONFIG GET port answers it and a later CONFIG SET bind keeps
 * listening on it. A loaded redis.conf keeps its own `port 0` (CONFIG REWRITE writes it back). Set like
 * a config line, so no apply hook runs (the listener is already there).
 */
function recordBoundPort(config: RedisConfig, port: number): void {
  const directive = config.lookup('port');
  if (directive !== undefined) config.setFromFile(directive, [String(port)], false);
}

/** Seconds of history in Redis's CLIENTS_PEAK_MEM_USAGE_SLOTS. */
const PEAK_SLOTS = 8;

/**
 * INFO's client_recent_max_input_buffer / client_recent_max_output_buffer (Redis
 * clientsCronTrackExpansiveClients): once a second every client's query buffer and queued output are
 * sampled into that second's slot; the stats are the largest over the last eight slots.
 */
class ClientBufferPeaks {
  private readonly seconds = new Float64Array(PEAK_SLOTS);
  private readonly input = new Float64Array(PEAK_SLOTS);
  private readonly output = new Float64Array(PEAK_SLOTS);

  sample(state: ServerState, now: number): void {
    const second = Math.floor(now / 1000);
    const slot = second % PEAK_SLOTS;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.input[slot] = 0;
      this.output[slot] = 0;
    }
    for (const reg of state.registry.values()) {
      const c = reg as Client;
      this.input[slot] = Math.max(this.input[slot] as number, c.parser.buffered);
      this.output[slot] = Math.max(this.output[slot] as number, c.out.length + c.socket.writableLength);
    }
    let input = 0;
    let output = 0;
    for (let i = 0; i < PEAK_SLOTS; i++) {
      if (second - (this.seconds[i] as number) >= PEAK_SLOTS) continue;
      input = Math.max(input, this.input[i] as number);
      output = Math.max(output, this.output[i] as number);
    }
    state.stats.clientRecentMaxInputBuffer = input;
    state.stats.clientRecentMaxOutputBuffer = output;
  }
}

/** Redis `timeout`: idle normal clients are closed (not blocked or subscribed ones). */
function closeIdleClients(state: ServerState, core: ServerCore, now: number): void {
  const limitMs = state.config.timeout * 1000;
  if (limitMs <= 0) return;
  for (const reg of state.registry.values()) {
    const c = reg as Client;
    if (c.blocked || c.inPubsubMode || c.isMaster || c.isReplica || now - c.lastInteraction <= limitMs)
      continue;
    c.socket.destroy();
    core.forget(c);
  }
}

/**
 * Redis's accept-time checks: maxclients, then protected mode (the default user has no password and
 * a client that is not on the loopback interface). Returns the bytes to send before closing, or
 * undefined to accept. `defaultNopass` is the ACL default user's state (requirepass sets it).
 */
export function admissionError(
  config: Pick<ServerSettings, 'maxclients' | 'protectedMode' | 'requirepass'>,
  connected: number,
  remoteAddress: string | undefined,
  unixSocket = false,
  defaultNopass = config.requirepass === '',
): string | undefined {
  if (connected >= config.maxclients) return MAX_CLIENTS;
  // Redis: protected mode concerns TCP clients only; a Unix socket client is local by definition.
  if (config.protectedMode && defaultNopass && !unixSocket && !isLoopback(remoteAddress)) {
    return DENIED;
  }
  return undefined;
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
