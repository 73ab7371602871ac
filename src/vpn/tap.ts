/**
 * The TAP device: `/dev/net/tun` opened non-blocking, `TUNSETIFF` with `IFF_TAP|IFF_NO_PI` (as PeerVPN's
 * `ioOpenTAP`), so every read is one whole Ethernet frame and every write puts one into the kernel.
 *
 * Reads follow the measured-cheapest pattern (specs/node-platform-and-dependencies.md §A.3): one `poll()`
 * parked on a libuv worker thread waits for readiness, then the main thread drains up to
 * {@link MAX_FRAMES_PER_WAKEUP} frames with synchronous non-blocking reads and hands them over as one
 * batch. The poll times out every {@link POLL_TIMEOUT_MS} so `close()` finishes promptly. The parked
 * poll holds a worker thread for the device's lifetime: callers raise UV_THREADPOOL_SIZE (see daemon).
 *
 * Writes are synchronous: a TAP write never blocks for long, and going through the pool costs ~10×.
 * The device is not persistent: closing the fd removes the interface.
 */
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import {
  EAGAIN,
  EINTR,
  IFF_NO_PI,
  IFF_TAP,
  IFNAMSIZ,
  IFREQ_SIZE,
  POLLIN,
  TUNSETIFF,
  libc,
  libcError,
} from './libc.js';

/** Bounded drain: with the kernel answering our own writes, an unbounded drain may never see EAGAIN. */
export const MAX_FRAMES_PER_WAKEUP = 256;
export const POLL_TIMEOUT_MS = 200;
/** Read buffer: any frame a TAP can hand us (MTU up to 65535 plus the Ethernet header). */
const READ_BUFFER_BYTES = 65536 + 64;

export type FramesHandler = (frames: readonly Buffer[]) => void;
export type TapErrorHandler = (err: Error) => void;

export class TapDevice {
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly pollFd = Buffer.alloc(8);
  private closing = false;
  private closed = false;
  private polling = false;
  private onClosed: (() => void) | undefined;
  /** Frames dropped because a write failed (counted, not thrown: a full TAP queue drops, like a NIC). */
  writeErrors = 0;

  private constructor(
    private readonly fd: number,
    /** The interface name the kernel gave us (the requested one, or `tapN` when none was asked for). */
    readonly name: string,
  ) {
    this.pollFd.writeInt32LE(fd, 0);
    this.pollFd.writeInt16LE(POLLIN, 4);
  }

  /** Creates the interface. `requestedName` '' lets the kernel choose. Needs CAP_NET_ADMIN. */
  static open(requestedName: string): TapDevice {
    const fd = openSync('/dev/net/tun', fsConstants.O_RDWR | fsConstants.O_NONBLOCK);
    try {
      const ifr = Buffer.alloc(IFREQ_SIZE);
      ifr.write(requestedName, 0, IFNAMSIZ - 1, 'ascii');
      ifr.writeUInt16LE(IFF_TAP | IFF_NO_PI, IFNAMSIZ);
      const c = libc();
      if (c.ioctlPtr(fd, TUNSETIFF, ifr) < 0) {
        throw libcError(`ioctl(TUNSETIFF, '${requestedName}')`, c.errno());
      }
      const end = ifr.indexOf(0);
      const name = ifr.toString('ascii', 0, end === -1 || end > IFNAMSIZ ? IFNAMSIZ : end);
      return new TapDevice(fd, name);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /**
   * Starts the read loop: `onFrames` gets each wakeup's frames (each its own Buffer, owned by the
   * receiver). Call once.
   */
  startReading(onFrames: FramesHandler, onError: TapErrorHandler): void {
    const c = libc();
    const wait = (): void => {
      if (this.closing) return this.finishClose();
      this.polling = true;
      c.pollAsync(this.pollFd, 1, POLL_TIMEOUT_MS, (err, ready) => {
        this.polling = false;
        if (this.closing) return this.finishClose();
        if (err !== null && err !== undefined) {
          onError(err instanceof Error ? err : new Error('poll(tap) failed'));
        } else if (ready > 0) {
          const frames = this.drain(onError);
          if (frames.length > 0) onFrames(frames);
        }
        wait();
      });
    };
    wait();
  }

  /** Reads what is queued, up to the bound, without blocking. */
  private drain(onError: TapErrorHandler): Buffer[] {
    const c = libc();
    const frames: Buffer[] = [];
    while (frames.length < MAX_FRAMES_PER_WAKEUP) {
      const n = c.read(this.fd, this.readBuffer, this.readBuffer.length);
      if (n > 0) {
        frames.push(Buffer.from(this.readBuffer.subarray(0, n)));
        continue;
      }
      if (n < 0) {
        const errno = c.errno();
        if (errno === EINTR) continue;
        if (errno !== EAGAIN) onError(libcError('read(tap)', errno));
      }
      break;
    }
    return frames;
  }

  /** Writes one Ethernet frame to the kernel. Returns false (and counts) when the kernel refused it. */
  write(frame: Uint8Array): boolean {
    if (this.closing) return false;
    const n = libc().write(this.fd, frame, frame.length);
    if (n === frame.length) return true;
    this.writeErrors++;
    return false;
  }

  /** Stops reading and closes the fd, which removes the interface. Resolves once the fd is closed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      this.onClosed = resolve;
      // With no poll parked on a worker, nothing else will finish the close.
      if (!this.polling) this.finishClose();
    });
  }

  private finishClose(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    this.onClosed?.();
  }
}
