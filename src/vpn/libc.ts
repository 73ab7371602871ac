/**
 * The few libc calls Node does not expose, through koffi (prebuilt, no install script):
 * `ioctl(TUNSETIFF)` for the TAP device, non-blocking `read`/`write` on its fd, `poll` on a worker
 * thread as the readiness wait, `setsockopt` for SO_MARK, and `chroot`.
 * Each binding is typed here once so nothing else touches koffi's untyped surface.
 */
import koffi from 'koffi';
import { constants } from 'node:os';

/** <linux/if_tun.h> and <asm-generic/*.h> values for x86-64/arm64 Linux. */
export const TUNSETIFF = 0x400454ca;
export const IFF_TAP = 0x0002;
export const IFF_NO_PI = 0x1000;
export const IFNAMSIZ = 16;
/** sizeof(struct ifreq) */
export const IFREQ_SIZE = 40;
export const POLLIN = 0x0001;
export const SOL_SOCKET = 1;
export const SO_MARK = 36;
export const EAGAIN = constants.errno.EAGAIN;
export const EINTR = constants.errno.EINTR;

type PollCallback = (err: unknown, ready: number) => void;

interface LibcBindings {
  ioctlPtr(fd: number, request: number, arg: Buffer): number;
  read(fd: number, buf: Buffer, count: number): number;
  write(fd: number, buf: Uint8Array, count: number): number;
  pollAsync(fds: Buffer, nfds: number, timeoutMs: number, done: PollCallback): void;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  chroot(path: string): number;
  errno(): number;
}

let bindings: LibcBindings | undefined;

/** Loads libc on first use, so importing this module costs nothing for commands that never need it. */
export function libc(): LibcBindings {
  if (bindings !== undefined) return bindings;
  const lib = koffi.load('libc.so.6');
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)');
  const read = lib.func('long read(int fd, void *buf, unsigned long count)');
  const write = lib.func('long write(int fd, const void *buf, unsigned long count)');
  const poll = lib.func('int poll(void *fds, unsigned long nfds, int timeout)');
  const setsockopt = lib.func(
    'int setsockopt(int fd, int level, int name, const void *value, unsigned int length)',
  );
  const chroot = lib.func('int chroot(const char *path)');
  bindings = {
    ioctlPtr: (fd, request, arg) => ioctl(fd, request, 'void *', arg) as number,
    read: (fd, buf, count) => Number(read(fd, buf, count)),
    write: (fd, buf, count) => Number(write(fd, buf, count)),
    pollAsync: (fds, nfds, timeoutMs, done) => {
      (poll.async as (...a: unknown[]) => void)(fds, nfds, timeoutMs, done);
    },
    setsockopt: (fd, level, name, value, length) => setsockopt(fd, level, name, value, length) as number,
    chroot: (path) => chroot(path) as number,
    errno: () => koffi.errno(),
  };
  return bindings;
}

/** An Error for a failed libc call, carrying errno like Node's own system errors. */
export function libcError(call: string, errno: number): Error & { errno: number } {
  return Object.assign(new Error(`${call} failed: errno ${errno}`), { errno });
}
