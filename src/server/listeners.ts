/**
 * The server's TCP listeners (Redis server.ipfd): one per bind address, all on one port. Opened at
 * startup and replaced by CONFIG SET port / bind (Redis changeListenPort / changeBindAddr): the old
 * listeners close, the new ones open, and when one cannot be opened the old set comes back and the
 * change fails. Connected clients are never touched. Everything here is synchronous, so a CONFIG SET
 * knows its outcome before it replies.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { listenSocket, listenUnixSocket, skippable } from './listen-socket.js';

/** A bind list and a port as Redis's config holds them ('-' marks an optional address). */
export interface ListenPlan {
  readonly bind: readonly string[];
  readonly port: number;
}

/** Why a set of listeners could not be opened: Redis's log line for the address that failed. */
export class ListenError extends Error {}

/** Redis's bind words to getaddrinfo input: `*` = every IPv4 address, `::*` = every IPv6 one. */
function target(addr: string): { host: string | null; family: 4 | 6 } {
  if (addr === '*') return { host: null, family: 4 };
  if (addr === '::*') return { host: null, family: 6 };
  return { host: addr, family: addr.includes(':') ? 6 : 4 };
}

/** Accepted connections, with the Unix socket's path when they came through it (Redis CLIENT_UNIX_SOCKET). */
export type ConnectionHandler = (socket: Socket, unixPath?: string) => void;

export class Listeners {
  private servers: NetServer[] = [];
  /** The `unixsocket` listener (Redis server.sofd): opened once at startup, never changed. */
  private unix: { server: NetServer; path: string } | undefined;
  private plan: ListenPlan = { bind: [], port: 0 };
  /** The port actually bound (a requested port 0 at startup resolves to a free one). */
  boundPort = 0;

  constructor(
    private readonly onConnection: ConnectionHandler,
    private readonly log: (line: string) => void,
  ) {}

  get count(): number {
    return this.servers.length;
  }

  /** Listening anywhere at all: a TCP address or the Unix socket. */
  get listening(): boolean {
    return this.servers.length > 0 || this.unix !== undefined;
  }

  /**
   * Startup: listens on every address of the plan; port 0 picks a free port (used by embeddings and
   * tests — Redis would not listen at all). Throws ListenError when a required address fails or
   * nothing could be bound.
   */
  start(plan: ListenPlan): void {
    const failure = this.open(plan, true);
    if (failure !== undefined) throw new ListenError(failure);
    // `bind ""` listens on no TCP address (a Unix socket only, checked by the caller, as Redis does).
    if (this.servers.length === 0 && plan.bind.length > 0) {
      throw new ListenError('Failed listening on any bind address');
    }
  }

  /**
   * CONFIG SET port / bind: replaces the listeners. Port 0 closes them (Redis: no TCP). Returns false,
   * with the previous listeners restored, when the new set cannot be opened.
   */
  change(plan: ListenPlan): boolean {
    if (plan.port === this.plan.port && sameList(plan.bind, this.plan.bind)) return true;
    const previous = this.plan;
    this.closeListeners();
    if (plan.port === 0) {
      this.plan = plan;
      this.boundPort = 0;
      return true;
    }
    const failure = this.open(plan, false);
    if (failure === undefined) return true;
    this.closeListeners();
    const restored = previous.port === 0 ? undefined : this.open(previous, false);
    if (restored !== undefined) this.log(`Warning: could not restore the previous listeners: ${restored}`);
    return false;
  }

  /**
   * Startup: the `unixsocket` listener, Redis's "Failed opening Unix socket" when it cannot be made.
   * `perm` is unixsocketperm (0: the umask decides).
   */
  startUnix(path: string, perm: number): void {
    const result = listenUnixSocket(path, perm);
    if (!result.ok) throw new ListenError(`Failed opening Unix socket: ${result.message}`);
    const server = this.adopt(result.fd, path);
    this.unix = { server, path };
    this.log(`The server is now ready to accept connections at ${path}`);
  }

  /**
   * Stops accepting (existing connections stay); resolves when every listener has closed. The Unix
   * socket's file is removed, as Redis does at shutdown.
   */
  async close(): Promise<void> {
    const all = this.unix === undefined ? this.servers : [...this.servers, this.unix.server];
    const closing = all.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    this.servers = [];
    if (this.unix !== undefined) {
      try {
        unlinkSync(this.unix.path);
      } catch {
        // already gone
      }
      this.unix = undefined;
    }
    await Promise.all(closing);
  }

  /** Opens the plan's listeners; returns the failure text (and closes what it opened) or undefined. */
  private open(plan: ListenPlan, allowEphemeral: boolean): string | undefined {
    let port = plan.port;
    const opened: NetServer[] = [];
    for (const raw of plan.bind) {
      const optional = raw.startsWith('-');
      const addr = optional ? raw.slice(1) : raw;
      const { host, family } = target(addr);
      const result = listenSocket(host, family, port);
      if (!result.ok) {
        const line = `Could not create server TCP listening socket ${addr}:${port}: ${result.message}`;
        this.log(`Warning: ${line}`);
        if (skippable(result.errno, optional)) continue;
        for (const s of opened) s.close();
        return line;
      }
      const server = this.adopt(result.fd);
      if (allowEphemeral && port === 0) port = (server.address() as { port: number }).port;
      opened.push(server);
      this.log(`Ready to accept connections tcp ${addr}:${port}`);
    }
    this.servers = opened;
    this.plan = { bind: plan.bind, port };
    this.boundPort = port;
    return undefined;
  }

  /** Hands a listening fd to Node, which takes it over synchronously. */
  private adopt(fd: number, unixPath?: string): NetServer {
    // Accepted sockets arrive paused: connection.ts reads them through its shared buffer.
    const server = createServer({ noDelay: true, pauseOnConnect: true }, (socket: Socket) =>
      this.onConnection(socket, unixPath),
    );
    // accept() failures (EMFILE…) are reported here; Redis logs them and keeps serving.
    server.on('error', (err) => this.log(`Accepting client connection: ${err.message}`));
    server.listen({ fd });
    return server;
  }

  private closeListeners(): void {
    for (const s of this.servers) s.close();
    this.servers = [];
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
