/**
 * Batched datagram I/O on a non-blocking UDP socket fd: `recvmmsg` fills up to a batch of slots per
 * syscall, `sendmmsg` sends everything queued since the last flush in one syscall, and runs of
 * equal-size datagrams to one destination leave as one UDP GSO send (`UDP_SEGMENT`), which the kernel
 * splits into datagrams. A syscall costs ~1.5 µs on the bench machine, as much as sealing a packet.
 *
 * Memory: each side owns one slab Buffer for datagram bytes and one for the C structures
 * (mmsghdr[], iovec[], sockaddr[], cmsg[]), whose pointers are written once from `libc().address`
 * (Buffer backing stores never move). Layouts are x86-64/arm64 Linux (LP64):
 *   struct msghdr  { void *name @0; u32 namelen @8; iovec *iov @16; size_t iovlen @24;
 *                    void *control @32; size_t controllen @40; int flags @48 }   (56 bytes)
 *   struct mmsghdr { msghdr hdr @0; u32 len @56 }                                  (64 bytes)
 *   struct iovec   { void *base @0; size_t len @8 }                                (16 bytes)
 *   struct cmsghdr { size_t len @0; int level @8; int type @12; data @16 }         (u16 data: 24 bytes)
 */
import type { ReceivedDatagram, UdpEndpoint } from './engine/index.js';
import {
  EAGAIN,
  EINTR,
  EINVAL,
  EIO,
  MSG_TRUNC,
  SOL_UDP,
  UDP_SEGMENT,
  libc,
  libcError,
} from '../platform/index.js';
import { MAX_UDP_PAYLOAD } from './packet/index.js';
import { DestinationCache, SOCKADDR_BYTES, SourceCache } from './sockaddr.js';

const MMSGHDR_BYTES = 64;
const IOVEC_BYTES = 16;
const CMSG_SEGMENT_BYTES = 24;
const CMSG_SEGMENT_LEN = 18; // CMSG_LEN(sizeof(u16))
/** Per-slot receive size: above any datagram of ours (the TAP MTU is sized for a 1500-byte underlay). */
export const RECV_SLOT_BYTES = 2048;
export const RECV_BATCH = 64;
/** Kernel limit on segments per GSO send (UDP_MAX_SEGMENTS is 64 on older kernels). */
export const GSO_MAX_SEGMENTS = 64;
/** Payload bytes per GSO send: below the 65507-byte UDP limit with IPv6 headers. */
const GSO_MAX_BYTES = 65_000;
export const SEND_QUEUE_DATAGRAMS = 512;
const SEND_SLAB_BYTES = 1024 * 1024;

/** Writes a 64-bit pointer or size_t from a number (user-space addresses are below 2^53). */
function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value % 0x1_0000_0000, offset);
  buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), offset + 4);
}

function addressOf(buf: Buffer): number {
  return Number(libc().address(buf));
}

/** Reads datagrams a batch at a time; the returned datagrams view the slab until the next `receive`. */
export class DatagramReceiver {
  private readonly slab: Buffer;
  private readonly headers: Buffer;
  private readonly names: Buffer;
  private readonly sources = new SourceCache();
  /** Datagrams that did not fit a slot (not ours: we never send more than RECV_SLOT_BYTES). */
  truncated = 0;
  /** Slots the last recvmmsg filled (their msg_namelen was overwritten). */
  private filled = 0;

  constructor(
    private readonly fd: number,
    private readonly batch = RECV_BATCH,
  ) {
    this.slab = Buffer.alloc(batch * RECV_SLOT_BYTES);
    this.headers = Buffer.alloc(batch * MMSGHDR_BYTES);
    this.names = Buffer.alloc(batch * SOCKADDR_BYTES);
    this.iovecs = Buffer.alloc(batch * IOVEC_BYTES);
    const slabAt = addressOf(this.slab);
    const namesAt = addressOf(this.names);
    const iovecsAt = addressOf(this.iovecs);
    for (let i = 0; i < batch; i++) {
      writeU64(this.iovecs, i * IOVEC_BYTES, slabAt + i * RECV_SLOT_BYTES);
      writeU64(this.iovecs, i * IOVEC_BYTES + 8, RECV_SLOT_BYTES);
      const h = i * MMSGHDR_BYTES;
      writeU64(this.headers, h, namesAt + i * SOCKADDR_BYTES);
      writeU64(this.headers, h + 16, iovecsAt + i * IOVEC_BYTES);
      writeU64(this.headers, h + 24, 1);
      this.headers.writeUInt32LE(SOCKADDR_BYTES, h + 8); // msg_namelen
    }
  }

  /** Referenced by the headers: kept alive with them. */
  private readonly iovecs: Buffer;

  /**
   * One `recvmmsg`: appends what arrived to `out` and returns how many datagrams the kernel handed over
   * (0 when none was queued). Throws on a socket error other than EAGAIN/EINTR.
   */
  receive(out: ReceivedDatagram[]): number {
    const h = this.headers;
    // The kernel rewrites msg_namelen only in the slots it fills: reset just those (a lone datagram
    // after an idle gap then touches one header, not the whole 4 KB array).
    for (let i = 0; i < this.filled; i++) h.writeUInt32LE(SOCKADDR_BYTES, i * MMSGHDR_BYTES + 8);
    this.filled = 0;
    const c = libc();
    const n = c.recvmmsg(this.fd, h, this.batch, 0);
    if (n > 0) this.filled = n;
    if (n < 0) {
      const errno = c.errno();
      if (errno === EAGAIN || errno === EINTR) return 0;
      throw libcError('recvmmsg', errno);
    }
    for (let i = 0; i < n; i++) {
      const at = i * MMSGHDR_BYTES;
      if ((h.readInt32LE(at + 48) & MSG_TRUNC) !== 0) {
        this.truncated++;
        continue;
      }
      const from = this.sources.endpointOf(this.names, i * SOCKADDR_BYTES, h.readUInt32LE(at + 8));
      if (from === undefined) continue;
      const start = i * RECV_SLOT_BYTES;
      out.push({ from, datagram: this.slab.subarray(start, start + h.readUInt32LE(at + 56)) });
    }
    return n;
  }
}

/** What a flush did. */
export interface FlushResult {
  /** Datagrams the kernel accepted. */
  readonly sent: number;
  /** Datagrams refused (errno other than EAGAIN) or dropped because the socket buffer was full. */
  readonly failed: number;
  /** errno of the last failure, 0 if none. */
  readonly lastErrno: number;
}

/**
 * Queues datagrams (copied into the slab) and sends them in one `sendmmsg` on `flush`. Consecutive
 * datagrams to the same destination object with the same size, the last possibly shorter, form one
 * GSO send. If the kernel refuses GSO (EIO: no checksum offload on the route; EINVAL), GSO is turned
 * off for this sender and the rest goes out one datagram per message.
 */
export class DatagramSender {
  private readonly slab = Buffer.alloc(SEND_SLAB_BYTES);
  private readonly headers = Buffer.alloc(SEND_QUEUE_DATAGRAMS * MMSGHDR_BYTES);
  private readonly iovecs = Buffer.alloc(SEND_QUEUE_DATAGRAMS * IOVEC_BYTES);
  private readonly names = Buffer.alloc(SEND_QUEUE_DATAGRAMS * SOCKADDR_BYTES);
  private readonly controls = Buffer.alloc(SEND_QUEUE_DATAGRAMS * CMSG_SEGMENT_BYTES);
  private readonly slabAt: number;
  private readonly destinations = new DestinationCache();
  /** Queued datagrams: destination, offset in the slab, length. */
  private readonly queuedTo: UdpEndpoint[] = [];
  private readonly queuedAt: number[] = [];
  private readonly queuedLength: number[] = [];
  private used = 0;
  /** Per group (one mmsghdr): index of its first queued datagram. */
  private readonly groupFirst: number[] = [];
  private gso: boolean;

  constructor(
    private readonly fd: number,
    options: { readonly gso: boolean } = { gso: true },
  ) {
    this.gso = options.gso;
    this.slabAt = addressOf(this.slab);
    const namesAt = addressOf(this.names);
    const iovecsAt = addressOf(this.iovecs);
    const controlsAt = addressOf(this.controls);
    for (let i = 0; i < SEND_QUEUE_DATAGRAMS; i++) {
      const h = i * MMSGHDR_BYTES;
      writeU64(this.headers, h, namesAt + i * SOCKADDR_BYTES);
      writeU64(this.headers, h + 16, iovecsAt + i * IOVEC_BYTES);
      writeU64(this.headers, h + 24, 1);
      writeU64(this.headers, h + 32, controlsAt + i * CMSG_SEGMENT_BYTES);
      const cm = i * CMSG_SEGMENT_BYTES;
      writeU64(this.controls, cm, CMSG_SEGMENT_LEN);
      this.controls.writeInt32LE(SOL_UDP, cm + 8);
      this.controls.writeInt32LE(UDP_SEGMENT, cm + 12);
    }
  }

  /** Whether GSO is (still) in use. */
  get segmenting(): boolean {
    return this.gso;
  }

  get queued(): number {
    return this.queuedTo.length;
  }

  /**
   * Copies `datagram` into the queue. Flushes first when the queue is full; the result of that
   * flush is returned (undefined when none was needed). Throws on a non-IP address or a datagram
   * larger than UDP allows.
   */
  queue(to: UdpEndpoint, datagram: Uint8Array): FlushResult | undefined {
    if (datagram.length > MAX_UDP_PAYLOAD) throw new Error(`datagram of ${datagram.length} bytes`);
    this.destinations.sockaddrOf(to); // validates (and caches) before anything is queued
    let flushed: FlushResult | undefined;
    if (this.queuedTo.length === SEND_QUEUE_DATAGRAMS || this.used + datagram.length > this.slab.length) {
      flushed = this.flush();
    }
    this.slab.set(datagram, this.used);
    this.queuedTo.push(to);
    this.queuedAt.push(this.used);
    this.queuedLength.push(datagram.length);
    this.used += datagram.length;
    return flushed;
  }

  /** Sends everything queued. */
  flush(): FlushResult {
    const total = this.queuedTo.length;
    let sent = 0;
    let failed = 0;
    let lastErrno = 0;
    let next = 0; // first queued datagram not yet handed to the kernel
    let segment = this.gso;
    const c = libc();
    while (next < total) {
      const groups = this.build(next, segment);
      let g = 0;
      while (g < groups) {
        const r = c.sendmmsg(this.fd, this.headers.subarray(g * MMSGHDR_BYTES), groups - g, 0);
        if (r > 0) {
          sent += this.datagramsIn(g, g + r, total);
          g += r;
          continue;
        }
        const errno = r < 0 ? c.errno() : EAGAIN;
        if (errno === EINTR) continue;
        const size = this.datagramsIn(g, g + 1, total);
        if (size > 1 && (errno === EIO || errno === EINVAL)) {
          // Rebuild from this group on, one datagram per message. EIO (no checksum offload on the
          // route) will not go away: GSO stays off. EINVAL may be one datagram's fault: this flush only.
          if (errno === EIO) this.gso = false;
          segment = false;
          break;
        }
        lastErrno = errno;
        if (errno === EAGAIN) {
          // Socket buffer full: drop the rest, as a full NIC queue would.
          const dropped = this.datagramsIn(g, groups, total);
          failed += dropped;
          g = groups;
          break;
        }
        failed += size;
        g += 1;
      }
      next = g < groups ? this.groupFirst[g]! : total;
    }
    this.queuedTo.length = 0;
    this.queuedAt.length = 0;
    this.queuedLength.length = 0;
    this.used = 0;
    return { sent, failed, lastErrno };
  }

  /** Datagrams in groups [from, to). */
  private datagramsIn(from: number, to: number, total: number): number {
    const end = to < this.groupFirst.length ? this.groupFirst[to]! : total;
    return end - this.groupFirst[from]!;
  }

  /** Writes one mmsghdr per group for queued datagrams `from..`; returns the group count. */
  private build(from: number, segment: boolean): number {
    const h = this.headers;
    const total = this.queuedTo.length;
    this.groupFirst.length = 0;
    let i = from;
    while (i < total) {
      const g = this.groupFirst.length;
      this.groupFirst.push(i);
      const to = this.queuedTo[i]!;
      const size = this.queuedLength[i]!;
      let bytes = size;
      let count = 1;
      i++;
      if (segment) {
        while (
          i < total &&
          count < GSO_MAX_SEGMENTS &&
          this.queuedTo[i] === to &&
          this.queuedLength[i]! <= size &&
          bytes + this.queuedLength[i]! <= GSO_MAX_BYTES
        ) {
          const last = this.queuedLength[i]! < size;
          bytes += this.queuedLength[i]!;
          count++;
          i++;
          if (last) break; // a shorter datagram can only end a GSO run
        }
      }
      const s = this.destinations.sockaddrOf(to);
      s.bytes.copy(this.names, g * SOCKADDR_BYTES, 0, s.length);
      const at = g * MMSGHDR_BYTES;
      h.writeUInt32LE(s.length, at + 8);
      const iov = g * IOVEC_BYTES;
      writeU64(this.iovecs, iov, this.slabAt + this.queuedAt[this.groupFirst[g]!]!);
      writeU64(this.iovecs, iov + 8, bytes);
      if (count > 1) this.controls.writeUInt16LE(size, g * CMSG_SEGMENT_BYTES + 16);
      writeU64(h, at + 40, count > 1 ? CMSG_SEGMENT_BYTES : 0);
    }
    return this.groupFirst.length;
  }
}
