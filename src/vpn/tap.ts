/**
 * The TAP device: `/dev/net/tun` opened non-blocking, `TUNSETIFF` with `IFF_TAP|IFF_NO_PI` (as PeerVPN's
 * `ioOpenTAP`) plus `IFF_VNET_HDR`, so every read is one whole Ethernet frame and every write puts one
 * into the kernel, each behind a 10-byte virtio_net_hdr. No offloads are enabled (no TUNSETOFFLOAD),
 * so frames we read are plain, fully checksummed frames (their header is all zero); the header lets
 * us write coalesced TCP runs as GSO frames (tcp-coalesce.ts, `queueFrame`/`flushFrames`).
 *
 * Reads: readiness comes from the main libuv loop (a uv_poll on the fd, through koffi), then up to
 * {@link MAX_FRAMES_PER_WAKEUP} frames are drained with synchronous non-blocking reads into one slab
 * and handed over as one batch. No thread is involved: the previous design parked a `poll()` on a
 * libuv worker and paid a worker→main-thread hop per wakeup (~0.3 ms of ping RTT per direction and
 * ~10 % of a core under load, measured with --cpu-prof).
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
  IFF_VNET_HDR,
  IFNAMSIZ,
  IFREQ_SIZE,
  TUNSETIFF,
  libc,
  libcError,
} from '../platform/index.js';
import type { ReadableWatch } from '../platform/index.js';
import { TcpCoalescer, VNET_HDR_BYTES } from './packet/index.js';

/** Bounded drain: with the kernel answering our own writes, an unbounded drain may never see EAGAIN. */
export const MAX_FRAMES_PER_WAKEUP = 256;
/** Room for any frame a TAP can hand us (MTU up to 65535 plus the Ethernet and virtio headers). */
const MAX_FRAME_BYTES = 65536 + 64 + VNET_HDR_BYTES;
/** One wakeup's frames land side by side here; a read needs MAX_FRAME_BYTES of room left. */
const SLAB_BYTES = MAX_FRAMES_PER_WAKEUP * 1600 + MAX_FRAME_BYTES;

export type FramesHandler = (frames: readonly Buffer[]) => void;
export type TapErrorHandler = (err: Error) => void;

export class TapDevice {
  private readonly slab = Buffer.allocUnsafe(SLAB_BYTES);
  private watch: ReadableWatch | undefined;
  private closed = false;
  private readonly coalescer = new TcpCoalescer((buf) => this.writeRaw(buf));
  /** Frames dropped because a write failed (counted, not thrown: a full TAP queue drops, like a NIC). */
  writeErrors = 0;

  private constructor(
    private readonly fd: number,
    /** The interface name the kernel gave us (the requested one, or `tapN` when none was asked for). */
    readonly name: string,
  ) {}

  /** Creates the interface. `requestedName` '' lets the kernel choose. Needs CAP_NET_ADMIN. */
  static open(requestedName: string): TapDevice {
    const fd = openSync('/dev/net/tun', fsConstants.O_RDWR | fsConstants.O_NONBLOCK);
    try {
      const ifr = Buffer.alloc(IFREQ_SIZE);
      ifr.write(requestedName, 0, IFNAMSIZ - 1, 'ascii');
      ifr.writeUInt16LE(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, IFNAMSIZ);
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
   * Starts the read loop: `onFrames` gets each wakeup's frames. They view a slab that the next wakeup
   * overwrites, so the receiver must not keep them past the call (the engine does not). Call once.
   */
  startReading(onFrames: FramesHandler, onError: TapErrorHandler): void {
    this.watch = libc().watchReadable(this.fd, () => {
      if (this.closed) return;
      const frames = this.drain(onError);
      if (frames.length > 0) onFrames(frames);
    });
  }

  /** Reads what is queued, up to the bound, without blocking. */
  private drain(onError: TapErrorHandler): Buffer[] {
    const c = libc();
    const frames: Buffer[] = [];
    let used = 0;
    while (frames.length < MAX_FRAMES_PER_WAKEUP && SLAB_BYTES - used >= MAX_FRAME_BYTES) {
      const room = this.slab.subarray(used);
      const n = c.read(this.fd, room, MAX_FRAME_BYTES);
      if (n > VNET_HDR_BYTES) {
        frames.push(this.slab.subarray(used + VNET_HDR_BYTES, used + n));
        used += n;
        continue;
      }
      if (n > 0) continue; // a header without a frame: nothing to hand over
      if (n < 0) {
        const errno = c.errno();
        if (errno === EINTR) continue;
        if (errno !== EAGAIN) onError(libcError('read(tap)', errno));
      }
      break;
    }
    return frames;
  }

  /** Writes one Ethernet frame now. Returns false (and counts) when the kernel refused it. */
  write(frame: Uint8Array): boolean {
    if (this.closed) return false;
    this.coalescer.flush(); // keep order with frames queued before
    return this.coalescer.writeNow(frame);
  }

  /**
   * Queues a frame for the next `flushFrames`, where runs of one TCP flow are merged into GSO frames.
   * The frame must not change until then (the engine hands over fresh buffers).
   */
  queueFrame(frame: Uint8Array): void {
    if (!this.closed) this.coalescer.add(frame);
  }

  /** Writes what `queueFrame` collected. */
  flushFrames(): void {
    if (!this.closed) this.coalescer.flush();
  }

  /** TCP segments merged into GSO frames so far, and how many frames they became. */
  get coalesced(): { readonly segments: number; readonly frames: number; readonly enabled: boolean } {
    const c = this.coalescer;
    return { segments: c.coalescedSegments, frames: c.coalescedFrames, enabled: c.enabled };
  }

  private writeRaw(buf: Uint8Array): boolean {
    const n = libc().write(this.fd, buf, buf.length);
    if (n === buf.length) return true;
    this.writeErrors++;
    return false;
  }

  /** Stops reading and closes the fd, which removes the interface. Safe to call more than once. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.watch?.close();
      this.watch = undefined;
      closeSync(this.fd);
    }
    return Promise.resolve();
  }
}
