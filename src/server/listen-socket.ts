/**
 * Opening one TCP listening socket synchronously, the way Redis's anetTcpServer does: getaddrinfo
 * (AI_PASSIVE) for the address, then socket, SO_REUSEADDR (and IPV6_V6ONLY for IPv6), bind, listen.
 *
 * Why not net.Server.listen(host, port): Node reports a bind failure only on a later tick, but
 * CONFIG SET port / bind must answer (and roll back) within the command, like Redis. So the socket is
 * made here through libc (koffi) and handed to Node as a ready listening fd (`listen({ fd })`), which
 * Node takes over synchronously. Each binding is typed here once; nothing else touches koffi for this.
 */
import koffi from 'koffi';
import { constants } from 'node:os';

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
const AI_PASSIVE = 0x1;
const AI_NUMERICSERV = 0x400;
/** Linux errno values @types/node does not name. */
const ESOCKTNOSUPPORT = 94;
const EPFNOSUPPORT = 96;
/** Redis's default tcp-backlog. */
export const TCP_BACKLOG = 511;

/** A listening socket's fd, or why it could not be made (Redis's anet error text and errno). */
export type ListenResult =
  | { readonly ok: true; readonly fd: number }
  | { readonly ok: false; readonly errno: number; readonly message: string };

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

interface SocketBindings {
  /** Socket addresses (sockaddr bytes) for a host, or gai_strerror's text. */
  resolve(host: string | null, family: number, port: number): Buffer[] | string;
  socket(family: number): number;
  setIntOption(fd: number, level: number, name: number, value: number): number;
  bind(fd: number, address: Buffer): number;
  listen(fd: number, backlog: number): number;
  close(fd: number): void;
  errno(): number;
  strerror(errno: number): string;
}

let bindings: SocketBindings | undefined;

/** Loads libc on first use. */
function sockets(): SocketBindings {
  if (bindings !== undefined) return bindings;
  const lib = koffi.load('libc.so.6');
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
  const socket = lib.func('int socket(int domain, int type, int protocol)');
  const setsockopt = lib.func(
    'int setsockopt(int fd, int level, int name, const void *value, unsigned int length)',
  );
  const bind = lib.func('int bind(int fd, const void *addr, unsigned int length)');
  const listen = lib.func('int listen(int fd, int backlog)');
  const close = lib.func('int close(int fd)');
  const strerror = lib.func('const char *strerror(int errnum)');
  bindings = {
    resolve: (host, family, port) => {
      const hints: AddrInfo = {
        ai_flags: AI_PASSIVE | AI_NUMERICSERV,
        ai_family: family,
        ai_socktype: SOCK_STREAM,
        ai_protocol: 0,
        ai_addrlen: 0,
        ai_addr: null,
        ai_canonname: null,
        ai_next: null,
      };
      const out: unknown[] = [null];
      const rc = getaddrinfo(host, String(port), hints, out) as number;
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
    },
    socket: (family) => socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number,
    setIntOption: (fd, level, name, value) => {
      const v = Buffer.alloc(4);
      v.writeInt32LE(value);
      return setsockopt(fd, level, name, v, 4) as number;
    },
    bind: (fd, address) => bind(fd, address, address.length) as number,
    listen: (fd, backlog) => listen(fd, backlog) as number,
    close: (fd) => void close(fd),
    errno: () => koffi.errno(),
    strerror: (errno) => strerror(errno) as string,
  };
  return bindings;
}

/**
 * Redis anetTcpServer / anetTcp6Server: the first address `host` resolves to (in `family`) that can be
 * bound and listened on. `host` null means every address of the family (Redis's `*` and `::*`).
 */
export function listenSocket(host: string | null, family: 4 | 6, port: number): ListenResult {
  const lib = sockets();
  const af = family === 6 ? AF_INET6 : AF_INET;
  const addresses = lib.resolve(host, af, port);
  if (typeof addresses === 'string') return { ok: false, errno: 0, message: addresses };
  let failure: ListenResult = { ok: false, errno: 0, message: 'no address' };
  for (const address of addresses) {
    const fd = lib.socket(af);
    if (fd < 0) {
      failure = systemFailure(lib, 'socket');
      continue;
    }
    const step = bindAndListen(lib, fd, af, address);
    if (step === undefined) return { ok: true, fd };
    failure = systemFailure(lib, step);
    lib.close(fd);
    // Like Redis: only a failing socket() moves on to the next address; a failed bind is final.
    return failure;
  }
  return failure;
}

/** Returns the name of the call that failed (errno still set), or undefined when listening. */
function bindAndListen(lib: SocketBindings, fd: number, af: number, address: Buffer): string | undefined {
  if (af === AF_INET6 && lib.setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) !== 0) return 'setsockopt';
  if (lib.setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1) !== 0) return 'setsockopt SO_REUSEADDR';
  if (lib.bind(fd, address) !== 0) return 'bind';
  if (lib.listen(fd, TCP_BACKLOG) !== 0) return 'listen';
  return undefined;
}

function systemFailure(lib: SocketBindings, call: string): ListenResult {
  const errno = lib.errno();
  return { ok: false, errno, message: `${call}: ${lib.strerror(errno)}` };
}

/**
 * Errors after which Redis's listenToPort skips an address instead of failing: the protocol family is
 * missing (no IPv6 on the host), or — for a `-`-prefixed optional address — the address is not local.
 */
export function skippable(errno: number, optional: boolean): boolean {
  const e = constants.errno;
  if (errno === e.EADDRNOTAVAIL) return optional;
  return [e.ENOPROTOOPT, e.EPROTONOSUPPORT, ESOCKTNOSUPPORT, EPFNOSUPPORT, e.EAFNOSUPPORT].includes(errno);
}
