/**
 * MIGRATE's connections to target instances (Redis cluster.c migrateGetSocket / migrateCloseSocket /
 * migrateCloseTimedoutSockets, syncio.c syncWrite / syncReadLine).
 *
 * Redis runs MIGRATE with blocking I/O: the server does nothing else until the target answered or the
 * timeout passed, so the keys cannot change between being serialized and being deleted. The same is
 * done here through libc (non-blocking socket, poll with the timeout), not with Node's async sockets.
 * One socket is cached per "host:port" (the arguments as given, like Redis), at most 64; the server
 * cron closes those unused for more than 10 seconds (INFO migrate_cached_sockets counts them).
 */
import {
  AF_INET,
  AF_INET6,
  EAGAIN,
  EINPROGRESS,
  ETIMEDOUT,
  IPPROTO_TCP,
  POLLIN,
  POLLOUT,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  TCP_NODELAY,
  libc,
} from '../platform/index.js';
import type { MigrateLink, MigratePort } from '../commands/index.js';

/** Redis MIGRATE_SOCKET_CACHE_ITEMS and MIGRATE_SOCKET_CACHE_TTL (seconds). */
const MIGRATE_SOCKET_CACHE_ITEMS = 64;
const MIGRATE_SOCKET_CACHE_TTL = 10;
/** syncio.c SYNCIO__RESOLUTION: the shortest poll while a timeout runs (ms). */
const SYNCIO_RESOLUTION = 10;
/** syncReadLine's buffer (MIGRATE reads each reply line into 1024 bytes). */
const MAX_LINE = 1024;
const AF_UNSPEC = 0;

class CachedSocket implements MigrateLink {
  lastDbid = -1;
  lastUseSec: number;
  lastErrno = 0;
  /** Bytes read past the last line (Redis reads byte by byte; the rest waits in the kernel there). */
  private pending = Buffer.alloc(0);
  private readonly chunk = Buffer.alloc(16 * 1024);

  constructor(
    readonly fd: number,
    nowSec: number,
  ) {
    this.lastUseSec = nowSec;
  }

  /** syncWrite: all of `data` within `timeoutMs`, or false with lastErrno set (ETIMEDOUT on timeout). */
  write(data: Buffer, timeoutMs: number): boolean {
    const lib = libc();
    const start = Date.now();
    let remaining = timeoutMs;
    let pos = 0;
    for (;;) {
      const wait = Math.max(remaining, SYNCIO_RESOLUTION);
      const n = lib.write(this.fd, data.subarray(pos), data.length - pos);
      if (n === -1) {
        const errno = lib.errno();
        if (errno !== EAGAIN) return this.fail(errno);
      } else {
        pos += n;
      }
      if (pos === data.length) return true;
      lib.pollOne(this.fd, POLLOUT, wait);
      const elapsed = Date.now() - start;
      if (elapsed >= timeoutMs) return this.fail(ETIMEDOUT);
      remaining = timeoutMs - elapsed;
    }
  }

  /** syncReadLine: one line without its CR LF; undefined on error, end of stream, timeout or an empty line. */
  readLine(timeoutMs: number): string | undefined {
    const lib = libc();
    const start = Date.now();
    let remaining = timeoutMs;
    for (;;) {
      const lf = this.pending.indexOf(10);
      if (lf !== -1 || this.pending.length >= MAX_LINE) {
        const end = lf === -1 ? MAX_LINE - 1 : Math.min(lf, MAX_LINE - 1);
        let line = this.pending.toString('latin1', 0, end);
        this.pending = this.pending.subarray(lf === -1 ? end : lf + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        return line.length > 0 ? line : undefined;
      }
      const wait = Math.max(remaining, SYNCIO_RESOLUTION);
      const n = lib.read(this.fd, this.chunk, this.chunk.length);
      if (n === 0) return this.failRead(0);
      if (n === -1) {
        const errno = lib.errno();
        if (errno !== EAGAIN) return this.failRead(errno);
      } else {
        this.pending = Buffer.concat([this.pending, this.chunk.subarray(0, n)]);
        continue;
      }
      lib.pollOne(this.fd, POLLIN, wait);
      const elapsed = Date.now() - start;
      if (elapsed >= timeoutMs) return this.failRead(ETIMEDOUT);
      remaining = timeoutMs - elapsed;
    }
  }

  close(): void {
    libc().close(this.fd);
  }

  private fail(errno: number): false {
    this.lastErrno = errno;
    return false;
  }

  private failRead(errno: number): undefined {
    this.lastErrno = errno;
    return undefined;
  }
}

/**
 * Redis anetTcpNonBlockConnect + aeWait(AE_WRITABLE, timeout) (7.0's connSocketBlockingConnect): the
 * first address of `host` whose socket and connect start, then up to `timeoutMs` waiting for it. As
 * in 7.0, the outcome of that wait is not checked: a connection still pending or refused counts as
 * made, and fails on the first write ("error or timeout writing"); only an address that cannot be
 * resolved or connected to at once fails here ("error or timeout connecting").
 */
function blockingConnect(host: string, port: number, timeoutMs: number): number | undefined {
  const lib = libc();
  const addresses = lib.getaddrinfo(host, String(port), {
    flags: 0,
    family: AF_UNSPEC,
    socktype: SOCK_STREAM,
  });
  if (typeof addresses === 'string') return undefined;
  for (const address of addresses) {
    const family = address.readUInt16LE(0) === AF_INET6 ? AF_INET6 : AF_INET;
    const fd = lib.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (lib.connect(fd, address) === 0 || lib.errno() === EINPROGRESS) {
      lib.pollOne(fd, POLLOUT, timeoutMs);
      lib.setsockoptInt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
      return fd;
    }
    lib.close(fd);
  }
  return undefined;
}

/** C atoi: leading blanks, a sign, digits; anything else ends the number (0 when none). */
function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m === null ? 0 : Number.parseInt(m[1] as string, 10) | 0;
}

export class MigrateSockets implements MigratePort {
  private readonly cache = new Map<string, CachedSocket>();

  get size(): number {
    return this.cache.size;
  }

  socket(host: string, port: string, timeoutMs: number): MigrateLink | undefined {
    const name = `${host}:${port}`;
    const nowSec = Math.floor(Date.now() / 1000);
    const cached = this.cache.get(name);
    if (cached !== undefined) {
      cached.lastUseSec = nowSec;
      return cached;
    }
    if (this.cache.size === MIGRATE_SOCKET_CACHE_ITEMS) {
      // Too many: drop one at random (dictGetRandomKey).
      const names = [...this.cache.keys()];
      this.drop(names[Math.floor(Math.random() * names.length)] as string);
    }
    const fd = blockingConnect(host, atoi(port), timeoutMs);
    if (fd === undefined) return undefined;
    const socket = new CachedSocket(fd, nowSec);
    this.cache.set(name, socket);
    return socket;
  }

  close(host: string, port: string): void {
    this.drop(`${host}:${port}`);
  }

  /** migrateCloseTimedoutSockets, from the server cron. */
  closeIdle(nowMs: number): void {
    const nowSec = Math.floor(nowMs / 1000);
    for (const [name, socket] of this.cache) {
      if (nowSec - socket.lastUseSec > MIGRATE_SOCKET_CACHE_TTL) this.drop(name);
    }
  }

  /** At shutdown. */
  closeAll(): void {
    for (const name of [...this.cache.keys()]) this.drop(name);
  }

  private drop(name: string): void {
    const socket = this.cache.get(name);
    if (socket === undefined) return;
    socket.close();
    this.cache.delete(name);
  }
}
