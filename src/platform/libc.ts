/**
 * The libc calls Node does not expose, through koffi (prebuilt, no install script), for both rooms that
 * need them: the VPN (`ioctl(TUNSETIFF)` for the TAP device, non-blocking `read`/`write` on its fd, the
 * UDP socket calls and batched `recvmmsg`/`sendmmsg`, `chroot`, fd readiness on the main libuv loop)
 * and the server's listeners (`getaddrinfo`, `socket`/`setsockopt`/`bind`/`listen` made synchronously,
 * like Redis's anetTcpServer, `strerror` for Redis's error texts).
 * libc is loaded once, and each function is declared and typed here once, so nothing else touches
 * koffi's untyped surface.
 *
 * A koffi sync call costs ~30–70 ns; a syscall here costs ~1.5 µs (measured on the bench machine), so
 * the VPN's data path batches syscalls (recvmmsg/sendmmsg, UDP GSO) rather than koffi calls.
 */
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';
import { EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_EVENT_SIZE, F_DUPFD_CLOEXEC, F_SETFD } from './constants.js';
import { libcError } from './errno.js';

/** A readiness watch on an fd, driven by the main libuv loop; `close` stops it (idempotent). */
export interface ReadableWatch {
  close(): void;
}

/** The getaddrinfo hints that matter here (the rest are zero). */
export interface AddrInfoHints {
  readonly flags: number;
  readonly family: number;
  readonly socktype: number;
}

/**
 * Each call returns what the C function returns (-1 or another failure value with errno set, read it
 * with `errno()` right after), unless its comment says otherwise.
 */
export interface LibcBindings {
  ioctlPtr(fd: number, request: number, arg: Buffer): number;
  read(fd: number, buf: Uint8Array, count: number): number;
  write(fd: number, buf: Uint8Array, count: number): number;
  close(fd: number): number;
  /** fcntl(F_DUPFD_CLOEXEC): a second fd (close-on-exec) for the same open file. */
  dupCloexec(fd: number): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, address: Buffer, length: number): number;
  listen(fd: number, backlog: number): number;
  /** connect to the sockaddr bytes `address` (a non-blocking socket gives -1 with EINPROGRESS). */
  connect(fd: number, address: Buffer): number;
  /**
   * poll(2) of one fd for `events` (POLLIN/POLLOUT) up to `timeoutMs`: the revents bits, 0 on timeout,
   * -1 on failure. Blocks the calling thread, as Redis's aeWait does (MIGRATE's synchronous I/O).
   */
  pollOne(fd: number, events: number, timeoutMs: number): number;
  /** epoll_create1(EPOLL_CLOEXEC): a new epoll set of our own (libuv's is never touched). */
  epollCreate(): number;
  /** epoll_ctl(EPOLL_CTL_ADD) of `fd` for `events` (EPOLLIN…, EPOLLET). */
  epollAdd(epfd: number, fd: number, events: number): number;
  /** epoll_wait without waiting: how many of the set's fds are ready (at most `max`), -1 on failure. */
  epollReady(epfd: number, max: number): number;
  /** `length` is a 4-byte in/out socklen_t. */
  getsockname(fd: number, address: Buffer, length: Buffer): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  /** setsockopt with a 4-byte int value. */
  setsockoptInt(fd: number, level: number, name: number, value: number): number;
  /** The sockaddr bytes of each address getaddrinfo finds for `host` (null: the wildcard), or gai_strerror's text. */
  getaddrinfo(host: string | null, service: string, hints: AddrInfoHints): Buffer[] | string;
  /** sendto on a datagram socket: one datagram of `data` to the sockaddr bytes `address`. */
  sendto(fd: number, data: Buffer, flags: number, address: Buffer): number;
  recvmmsg(fd: number, vec: Buffer, vlen: number, flags: number): number;
  sendmmsg(fd: number, vec: Buffer, vlen: number, flags: number): number;
  inetPton(family: number, text: string, out: Buffer): number;
  /** The text form of a binary address (`src` 4 or 16 bytes); undefined on failure. */
  inetNtop(family: number, src: Uint8Array): string | undefined;
  /** Interface index of a name (0 when there is none). */
  ifNameToIndex(name: string): number;
  chroot(path: string): number;
  /** fcntl(F_SETFD, 0): the fd stays open across execv. */
  clearCloexec(fd: number): number;
  /** execv: replaces this process (same pid) with `path` run with `argv`; returns only on failure. */
  execv(path: string, argv: readonly string[]): number;
  strerror(errno: number): string;
  /** CPU time of the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), in ns; -1 on failure. */
  threadCpuNs(): number;
  errno(): number;
  /** The address of a Buffer's bytes (stable for the Buffer's lifetime: backing stores do not move). */
  address(buf: Buffer): bigint;
  /** Calls `onReadable` from the main loop whenever `fd` is readable (level-triggered). */
  watchReadable(fd: number, onReadable: () => void): ReadableWatch;
}

interface AddrInfo {
  ai_flags: number;
  ai_family: number;
  ai_socktype: number;
  ai_protocol: number;
  ai_addrlen: number;
  ai_addr: unknown;
  ai_canonname: unknown;
  ai_next: unknown;
}

interface KoffiPollHandle {
  close(): void;
}
type KoffiPoll = (fd: number, opts: { readable: boolean }, cb: () => void) => KoffiPollHandle;

let bindings: LibcBindings | undefined;

/** Loads libc on first use, so importing this module costs nothing for commands that never need it. */
export function libc(): LibcBindings {
  bindings ??= load();
  return bindings;
}

/** <time.h>: the calling thread's CPU-time clock. */
const CLOCK_THREAD_CPUTIME_ID = 3;

function load(): LibcBindings {
  const lib = koffi.load('libc.so.6');
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)');
  const read = lib.func('long read(int fd, void *buf, unsigned long count)');
  const write = lib.func('long write(int fd, const void *buf, unsigned long count)');
  const close = lib.func('int close(int fd)');
  const fcntl = lib.func('int fcntl(int fd, int cmd, ...)');
  const socket = lib.func('int socket(int domain, int type, int protocol)');
  const bind = lib.func('int bind(int fd, const void *address, unsigned int length)');
  const listen = lib.func('int listen(int fd, int backlog)');
  const connect = lib.func('int connect(int fd, const void *address, unsigned int length)');
  const poll = lib.func('int poll(void *fds, unsigned long nfds, int timeout)');
  const pollfd = Buffer.alloc(8);
  const epollCreate1 = lib.func('int epoll_create1(int flags)');
  const epollCtl = lib.func('int epoll_ctl(int epfd, int op, int fd, void *event)');
  const epollWait = lib.func('int epoll_wait(int epfd, void *events, int maxevents, int timeout)');
  const epollEvent = Buffer.alloc(EPOLL_EVENT_SIZE);
  let epollEvents = Buffer.alloc(0);
  const getsockname = lib.func('int getsockname(int fd, void *address, void *length)');
  const setsockopt = lib.func(
    'int setsockopt(int fd, int level, int name, const void *value, unsigned int length)',
  );
  const recvmmsg = lib.func('int recvmmsg(int fd, void *vec, unsigned int vlen, int flags, void *timeout)');
  const sendmmsg = lib.func('int sendmmsg(int fd, void *vec, unsigned int vlen, int flags)');
  const sendto = lib.func(
    'long sendto(int fd, const void *buf, unsigned long len, int flags, const void *address, unsigned int length)',
  );
  const inetPton = lib.func('int inet_pton(int family, const char *text, void *out)');
  const inetNtop = lib.func(
    'const char *inet_ntop(int family, const void *src, char *out, unsigned int size)',
  );
  const ifNameToIndex = lib.func('unsigned int if_nametoindex(const char *name)');
  const chroot = lib.func('int chroot(const char *path)');
  const execv = lib.func('int execv(const char *path, const char **argv)');
  const strerror = lib.func('const char *strerror(int errnum)');
  const clockGettime = lib.func('int clock_gettime(int clock, void *timespec)');
  const timespec = Buffer.alloc(16);
  const getaddrinfo = addrinfoCalls(lib);
  const ntopBuffer = Buffer.alloc(64);
  const intValue = Buffer.alloc(4);
  return {
    ioctlPtr: (fd, request, arg) => ioctl(fd, request, 'void *', arg) as number,
    read: (fd, buf, count) => Number(read(fd, buf, count)),
    write: (fd, buf, count) => Number(write(fd, buf, count)),
    close: (fd) => close(fd) as number,
    dupCloexec: (fd) => fcntl(fd, F_DUPFD_CLOEXEC, 'int', 0) as number,
    socket: (domain, type, protocol) => socket(domain, type, protocol) as number,
    bind: (fd, address, length) => bind(fd, address, length) as number,
    listen: (fd, backlog) => listen(fd, backlog) as number,
    connect: (fd, address) => connect(fd, address, address.length) as number,
    pollOne: (fd, events, timeoutMs) => {
      // struct pollfd { int fd; short events; short revents; }
      pollfd.writeInt32LE(fd, 0);
      pollfd.writeInt16LE(events, 4);
      pollfd.writeInt16LE(0, 6);
      const n = poll(pollfd, 1, timeoutMs) as number;
      return n <= 0 ? n : pollfd.readUInt16LE(6);
    },
    epollCreate: () => epollCreate1(EPOLL_CLOEXEC) as number,
    epollAdd: (epfd, fd, events) => {
      // struct epoll_event { uint32_t events; epoll_data_t data; }: the data is not read back here
      epollEvent.fill(0);
      epollEvent.writeUInt32LE(events >>> 0, 0);
      return epollCtl(epfd, EPOLL_CTL_ADD, fd, epollEvent) as number;
    },
    epollReady: (epfd, max) => {
      if (epollEvents.length < max * EPOLL_EVENT_SIZE) epollEvents = Buffer.alloc(max * EPOLL_EVENT_SIZE);
      return epollWait(epfd, epollEvents, max, 0) as number;
    },
    getsockname: (fd, address, length) => getsockname(fd, address, length) as number,
    setsockopt: (fd, level, name, value, length) => setsockopt(fd, level, name, value, length) as number,
    setsockoptInt: (fd, level, name, value) => {
      intValue.writeInt32LE(value, 0);
      return setsockopt(fd, level, name, intValue, 4) as number;
    },
    getaddrinfo,
    sendto: (fd, data, flags, address) =>
      Number(sendto(fd, data, data.length, flags, address, address.length)),
    recvmmsg: (fd, vec, vlen, flags) => recvmmsg(fd, vec, vlen, flags, null) as number,
    sendmmsg: (fd, vec, vlen, flags) => sendmmsg(fd, vec, vlen, flags) as number,
    inetPton: (family, text, out) => inetPton(family, text, out) as number,
    inetNtop: (family, src) => {
      if (inetNtop(family, src, ntopBuffer, ntopBuffer.length) === null) return undefined;
      return ntopBuffer.toString('latin1', 0, ntopBuffer.indexOf(0));
    },
    ifNameToIndex: (name) => ifNameToIndex(name) as number,
    chroot: (path) => chroot(path) as number,
    clearCloexec: (fd) => fcntl(fd, F_SETFD, 'int', 0) as number,
    execv: (path, argv) => execv(path, [...argv, null]) as number,
    strerror: (errno) => strerror(errno) as string,
    threadCpuNs: () =>
      (clockGettime(CLOCK_THREAD_CPUTIME_ID, timespec) as number) !== 0
        ? -1
        : (timespec.readUInt32LE(0) + timespec.readUInt32LE(4) * 2 ** 32) * 1e9 + timespec.readUInt32LE(8),
    errno: () => koffi.errno(),
    address: (buf) => koffi.address(buf),
    watchReadable: readableWatcher(),
  };
}

/** getaddrinfo + freeaddrinfo + gai_strerror, results copied out as sockaddr bytes. */
function addrinfoCalls(lib: LibraryHandle): LibcBindings['getaddrinfo'] {
  const addrinfo = koffi.struct('redmesh_addrinfo', {
    ai_flags: 'int',
    ai_family: 'int',
    ai_socktype: 'int',
    ai_protocol: 'int',
    ai_addrlen: 'uint32_t',
    ai_addr: 'void *',
    ai_canonname: 'void *',
    ai_next: 'void *',
  });
  const getaddrinfo = lib.func(
    'int getaddrinfo(const char *node, const char *service, const redmesh_addrinfo *hints, _Out_ void **res)',
  );
  const freeaddrinfo = lib.func('void freeaddrinfo(void *res)');
  const gaiStrerror = lib.func('const char *gai_strerror(int code)');
  return (host, service, hints) => {
    const request: AddrInfo = {
      ai_flags: hints.flags,
      ai_family: hints.family,
      ai_socktype: hints.socktype,
      ai_protocol: 0,
      ai_addrlen: 0,
      ai_addr: null,
      ai_canonname: null,
      ai_next: null,
    };
    const out: unknown[] = [null];
    const rc = getaddrinfo(host, service, request, out) as number;
    if (rc !== 0) return gaiStrerror(rc) as string;
    const found: Buffer[] = [];
    for (let p = out[0]; p !== null && p !== undefined;) {
      const ai = koffi.decode(p, addrinfo) as AddrInfo;
      const bytes = koffi.decode(ai.ai_addr, koffi.array('uint8_t', ai.ai_addrlen)) as ArrayLike<number>;
      found.push(Buffer.from(Array.from(bytes)));
      p = ai.ai_next;
    }
    freeaddrinfo(out[0]);
    return found;
  };
}

/** koffi.node.poll wraps libuv's uv_poll_t (koffi ≥ 2.10; not yet in koffi's typed docs). */
function readableWatcher(): LibcBindings['watchReadable'] {
  const poll = (koffi as unknown as { node?: { poll?: KoffiPoll } }).node?.poll;
  return (fd, onReadable) => {
    if (typeof poll !== 'function') {
      throw new Error(`koffi ${koffi.version} has no node.poll (uv_poll): the VPN needs koffi 3.3.x`);
    }
    const handle = poll(fd, { readable: true }, onReadable);
    let open = true;
    return {
      close: () => {
        if (!open) return;
        open = false;
        handle.close();
      },
    };
  };
}

/** setsockopt with a 4-byte int value; throws with the option's name on failure. */
export function setIntOption(fd: number, level: number, name: number, value: number, what: string): void {
  const c = libc();
  if (c.setsockoptInt(fd, level, name, value) !== 0) {
    throw libcError(`setsockopt(${what}, ${value})`, c.errno());
  }
}
