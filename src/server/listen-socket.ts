/**
 * Opening one TCP listening socket synchronously, the way Redis's anetTcpServer does: getaddrinfo
 * (AI_PASSIVE) for the address, then socket, SO_REUSEADDR (and IPV6_V6ONLY for IPv6), bind, listen.
 *
 * Why not net.Server.listen(host, port): Node reports a bind failure only on a later tick, but
 * CONFIG SET port / bind must answer (and roll back) within the command, like Redis. So the socket is
 * made here through libc (src/platform) and handed to Node as a ready listening fd (`listen({ fd })`),
 * which Node takes over synchronously.
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { constants } from 'node:os';
import {
  AF_INET,
  AF_UNIX,
  AF_INET6,
  AI_NUMERICSERV,
  AI_PASSIVE,
  EPFNOSUPPORT,
  ESOCKTNOSUPPORT,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_REUSEADDR,
  UNIX_PATH_MAX,
  libc,
  unixPathAddress,
  type LibcBindings,
} from '../platform/index.js';

/** Redis's default tcp-backlog. */
export const TCP_BACKLOG = 511;

/** A listening socket's fd, or why it could not be made (Redis's anet error text and errno). */
export type ListenResult =
  | { readonly ok: true; readonly fd: number }
  | { readonly ok: false; readonly errno: number; readonly message: string };

/**
 * Redis anetTcpServer / anetTcp6Server: the first address `host` resolves to (in `family`) that can be
 * bound and listened on. `host` null means every address of the family (Redis's `*` and `::*`).
 */
export function listenSocket(host: string | null, family: 4 | 6, port: number): ListenResult {
  const lib = libc();
  const af = family === 6 ? AF_INET6 : AF_INET;
  const hints = { flags: AI_PASSIVE | AI_NUMERICSERV, family: af, socktype: SOCK_STREAM };
  const addresses = lib.getaddrinfo(host, String(port), hints);
  if (typeof addresses === 'string') return { ok: false, errno: 0, message: addresses };
  let failure: ListenResult = { ok: false, errno: 0, message: 'no address' };
  for (const address of addresses) {
    const fd = lib.socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
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

/**
 * Redis anetUnixServer, as listenToPort's caller uses it: the old socket file is unlinked (failure
 * ignored), then socket, bind, chmod to `perm` when it is not 0, listen. A path longer than sun_path
 * holds is refused (Redis would truncate it and listen somewhere else).
 */
export function listenUnixSocket(path: string, perm: number): ListenResult {
  const address = unixPathAddress(path);
  if (address === undefined) {
    return {
      ok: false,
      errno: 0,
      message: `unix socket path too long (${Buffer.byteLength(path)} bytes, at most ${UNIX_PATH_MAX})`,
    };
  }
  try {
    unlinkSync(path);
  } catch {
    // don't care if this fails (Redis)
  }
  const lib = libc();
  const fd = lib.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return systemFailure(lib, 'socket');
  if (lib.bind(fd, address, address.length) !== 0) return closeWith(lib, fd, systemFailure(lib, 'bind'));
  if (perm !== 0) {
    try {
      chmodSync(path, perm);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return closeWith(lib, fd, { ok: false, errno: -(e.errno ?? 0), message: `chmod: ${e.message}` });
    }
  }
  if (lib.listen(fd, TCP_BACKLOG) !== 0) return closeWith(lib, fd, systemFailure(lib, 'listen'));
  return { ok: true, fd };
}

function closeWith(lib: LibcBindings, fd: number, failure: ListenResult): ListenResult {
  lib.close(fd);
  return failure;
}

/** Returns the name of the call that failed (errno still set), or undefined when listening. */
function bindAndListen(lib: LibcBindings, fd: number, af: number, address: Buffer): string | undefined {
  if (af === AF_INET6 && lib.setsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) !== 0) return 'setsockopt';
  if (lib.setsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR, 1) !== 0) return 'setsockopt SO_REUSEADDR';
  if (lib.bind(fd, address, address.length) !== 0) return 'bind';
  if (lib.listen(fd, TCP_BACKLOG) !== 0) return 'listen';
  return undefined;
}

/** Redis's anet text for a failed call: `<call>: <strerror>`. */
function systemFailure(lib: LibcBindings, call: string): ListenResult {
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
