/**
 * The few libc calls Node does not expose, through koffi (prebuilt, no install script):
 * `ioctl(TUNSETIFF)` for the TAP device, non-blocking `read`/`write` on its fd, the UDP socket calls
 * (`socket`/`bind`/`setsockopt`/`getsockname`, batched `recvmmsg`/`sendmmsg`), `chroot`, and fd
 * readiness on the main libuv loop (koffi's `uv_poll` wrapper, `watchReadable`).
 * Each binding is typed here once so nothing else touches koffi's untyped surface.
 *
 * A koffi sync call costs ~30–70 ns; a syscall here costs ~1.5 µs (measured on the bench machine), so
 * the data path batches syscalls (recvmmsg/sendmmsg, UDP GSO) rather than koffi calls.
 */
import koffi from 'koffi';
import { constants } from 'node:os';

/** <linux/if_tun.h> and <asm-generic/*.h> values for x86-64/arm64 Linux. */
export const TUNSETIFF = 0x400454ca;
export const IFF_TAP = 0x0002;
export const IFF_NO_PI = 0x1000;
export const IFF_VNET_HDR = 0x4000;
export const IFNAMSIZ = 16;
/** sizeof(struct ifreq) */
export const IFREQ_SIZE = 40;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const SO_MARK = 36;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;
export const SOL_UDP = 17;
/** UDP GSO: one send of n×size bytes leaves as n datagrams (linux/udp.h). */
export const UDP_SEGMENT = 103;
export const MSG_TRUNC = 0x20;
export const EAGAIN = constants.errno.EAGAIN;
export const EINTR = constants.errno.EINTR;
export const EIO = constants.errno.EIO;
export const EINVAL = constants.errno.EINVAL;

/** A readiness watch on an fd, driven by the main libuv loop; `close` stops it (idempotent). */
export interface ReadableWatch {
  close(): void;
}

interface LibcBindings {
  ioctlPtr(fd: number, request: number, arg: Buffer): number;
  read(fd: number, buf: Uint8Array, count: number): number;
  write(fd: number, buf: Uint8Array, count: number): number;
  close(fd: number): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, address: Buffer, length: number): number;
  /** `length` is a 4-byte in/out socklen_t. */
  getsockname(fd: number, address: Buffer, length: Buffer): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  recvmmsg(fd: number, vec: Buffer, vlen: number, flags: number): number;
  sendmmsg(fd: number, vec: Buffer, vlen: number, flags: number): number;
  inetPton(family: number, text: string, out: Buffer): number;
  /** The text form of a binary address (`src` 4 or 16 bytes); undefined on failure. */
  inetNtop(family: number, src: Uint8Array): string | undefined;
  /** Interface index of a name (0 when there is none). */
  ifNameToIndex(name: string): number;
  chroot(path: string): number;
  errno(): number;
  /** The address of a Buffer's bytes (stable for the Buffer's lifetime: backing stores do not move). */
  address(buf: Buffer): bigint;
  /** Calls `onReadable` from the main loop whenever `fd` is readable (level-triggered). */
  watchReadable(fd: number, onReadable: () => void): ReadableWatch;
}

let bindings: LibcBindings | undefined;

interface KoffiPollHandle {
  close(): void;
}
type KoffiPoll = (fd: number, opts: { readable: boolean }, cb: () => void) => KoffiPollHandle;

/** Loads libc on first use, so importing this module costs nothing for commands that never need it. */
export function libc(): LibcBindings {
  if (bindings !== undefined) return bindings;
  const lib = koffi.load('libc.so.6');
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)');
  const read = lib.func('long read(int fd, void *buf, unsigned long count)');
  const write = lib.func('long write(int fd, const void *buf, unsigned long count)');
  const close = lib.func('int close(int fd)');
  const socket = lib.func('int socket(int domain, int type, int protocol)');
  const bind = lib.func('int bind(int fd, const void *address, unsigned int length)');
  const getsockname = lib.func('int getsockname(int fd, void *address, void *length)');
  const setsockopt = lib.func(
    'int setsockopt(int fd, int level, int name, const void *value, unsigned int length)',
  );
  const recvmmsg = lib.func('int recvmmsg(int fd, void *vec, unsigned int vlen, int flags, void *timeout)');
  const sendmmsg = lib.func('int sendmmsg(int fd, void *vec, unsigned int vlen, int flags)');
  const inetPton = lib.func('int inet_pton(int family, const char *text, void *out)');
  const inetNtop = lib.func(
    'const char *inet_ntop(int family, const void *src, char *out, unsigned int size)',
  );
  const ifNameToIndex = lib.func('unsigned int if_nametoindex(const char *name)');
  const chroot = lib.func('int chroot(const char *path)');
  const ntopBuffer = Buffer.alloc(64);
  // koffi.node.poll wraps libuv's uv_poll_t (koffi ≥ 2.10; not yet in koffi's typed docs).
  const poll = (koffi as unknown as { node?: { poll?: KoffiPoll } }).node?.poll;
  if (typeof poll !== 'function') {
    throw new Error(`koffi ${koffi.version} has no node.poll (uv_poll): the VPN needs koffi 3.3.x`);
  }
  bindings = {
    ioctlPtr: (fd, request, arg) => ioctl(fd, request, 'void *', arg) as number,
    read: (fd, buf, count) => Number(read(fd, buf, count)),
    write: (fd, buf, count) => Number(write(fd, buf, count)),
    close: (fd) => close(fd) as number,
    socket: (domain, type, protocol) => socket(domain, type, protocol) as number,
    bind: (fd, address, length) => bind(fd, address, length) as number,
    getsockname: (fd, address, length) => getsockname(fd, address, length) as number,
    setsockopt: (fd, level, name, value, length) => setsockopt(fd, level, name, value, length) as number,
    recvmmsg: (fd, vec, vlen, flags) => recvmmsg(fd, vec, vlen, flags, null) as number,
    sendmmsg: (fd, vec, vlen, flags) => sendmmsg(fd, vec, vlen, flags) as number,
    inetPton: (family, text, out) => inetPton(family, text, out) as number,
    inetNtop: (family, src) => {
      if (inetNtop(family, src, ntopBuffer, ntopBuffer.length) === null) return undefined;
      return ntopBuffer.toString('latin1', 0, ntopBuffer.indexOf(0));
    },
    ifNameToIndex: (name) => ifNameToIndex(name) as number,
    chroot: (path) => chroot(path) as number,
    errno: () => koffi.errno(),
    address: (buf) => koffi.address(buf),
    watchReadable: (fd, onReadable) => {
      const handle = poll(fd, { readable: true }, onReadable);
      let open = true;
      return {
        close: () => {
          if (!open) return;
          open = false;
          handle.close();
        },
      };
    },
  };
  return bindings;
}

/** An Error for a failed libc call, carrying errno like Node's own system errors. */
export function libcError(call: string, errno: number): Error & { errno: number } {
  return Object.assign(new Error(`${call} failed: errno ${errno}`), { errno });
}

/** setsockopt with a 4-byte int value; throws with the option's name on failure. */
export function setIntOption(fd: number, level: number, name: number, value: number, what: string): void {
  const v = Buffer.alloc(4);
  v.writeInt32LE(value, 0);
  const c = libc();
  if (c.setsockopt(fd, level, name, v, 4) !== 0) throw libcError(`setsockopt(${what}, ${value})`, c.errno());
}
