/**
 * The UDP underlay: one IPv4 and/or one IPv6 (v6-only) socket on the same port, as PeerVPN opens them.
 *
 * The sockets are plain non-blocking fds made through libc (not node:dgram), so the data path can
 * batch syscalls: readiness comes from the main libuv loop (uv_poll, no thread hop), each wakeup
 * drains up to {@link MAX_DATAGRAMS_PER_WAKEUP} datagrams with `recvmmsg` and hands them to the
 * handler as one batch; sends are queued and leave in one `sendmmsg` per `flush()` (the daemon
 * flushes after every engine call), with runs of equal-size datagrams to one peer sent as UDP GSO.
 * node:dgram offers neither (specs/node-platform-and-dependencies.md §C).
 *
 * Socket buffers are raised to {@link SOCKET_BUFFER_BYTES} (beyond rmem_max/wmem_max when root):
 * PeerVPN's default buffers lose ~10 % of datagrams under TCP load (specs/peervpn-0.044.md §0).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { ReceivedDatagram, UdpEndpoint } from './engine/index.js';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  SO_MARK,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_SNDBUF,
  SO_SNDBUFFORCE,
  errnoName,
  libc,
  libcError,
  setIntOption,
} from '../platform/index.js';
import type { ReadableWatch } from '../platform/index.js';
import { DatagramReceiver, DatagramSender, RECV_BATCH } from './mmsg.js';
import type { FlushResult } from './mmsg.js';
import { SOCKADDR_BYTES, encodeSockaddr } from './sockaddr.js';

export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/** Bounded drain per readiness wakeup, so TAP reads, timers and the control socket get their turn. */
export const MAX_DATAGRAMS_PER_WAKEUP = 4 * RECV_BATCH;
/** At most one warning about unsent datagrams per this many ms (a flood of failures must not flood the log). */
export const SEND_WARNING_INTERVAL_MS = 10_000;

export interface UdpOptions {
  readonly port: number;
  readonly local: string | undefined;
  readonly ipv4: boolean;
  readonly ipv6: boolean;
  /** SO_MARK; 0 leaves it unset. */
  readonly sockmark: number;
  /** UDP GSO for runs of equal-size datagrams (default true; off falls back to one datagram per message). */
  readonly gso?: boolean;
}

export type { ReceivedDatagram };
export type DatagramsHandler = (batch: readonly ReceivedDatagram[]) => void;
export type UdpWarning = (message: string) => void;

/** One bound socket of one family, with its batched receiver and sender. */
class UdpSocket {
  readonly receiver: DatagramReceiver;
  readonly sender: DatagramSender;
  private watch: ReadableWatch | undefined;

  constructor(
    readonly fd: number,
    gso: boolean,
  ) {
    this.receiver = new DatagramReceiver(fd);
    this.sender = new DatagramSender(fd, { gso });
  }

  startReading(onReadable: () => void): void {
    this.watch = libc().watchReadable(this.fd, onReadable);
  }

  close(): void {
    this.watch?.close();
    this.watch = undefined;
    libc().close(this.fd);
  }
}

export class UdpTransport {
  private v4: UdpSocket | undefined;
  private v6: UdpSocket | undefined;
  private closed = false;
  /** The port actually bound (the configured one, or the kernel's pick for `port 0`). */
  port = 0;
  /** Datagrams not sent (unreachable networks, full socket buffer and the like), counted, not thrown. */
  sendErrors = 0;
  lastSendError: string | undefined;
  /** Datagrams sent, and syscalls used for them (their ratio shows the batching). */
  datagramsSent = 0;
  sendCalls = 0;
  /** Receive errors (other than "nothing queued"), counted. */
  receiveErrors = 0;
  /** Of `sendErrors`: datagrams the kernel refused as too big for their route (EMSGSIZE). */
  sendTooBig = 0;
  /** Send failures not yet logged, and when the last warning about them was logged. */
  private unloggedSendErrors = 0;
  private lastSendWarningAt = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly handler: DatagramsHandler,
    private readonly warn: UdpWarning,
  ) {}

  /**
   * Opens the sockets. A family that cannot be opened (e.g. IPv6 with an IPv4 `local`, or IPv6
   * disabled) is tolerated with a warning, as PeerVPN does, as long as one family works.
   * Datagrams are delivered to `onDatagrams` once `startReading` is called.
   */
  static open(options: UdpOptions, onDatagrams: DatagramsHandler, warn: UdpWarning): UdpTransport {
    const t = new UdpTransport(onDatagrams, warn);
    try {
      t.bindAll(options, warn);
    } catch (err) {
      t.close();
      throw err;
    }
    return t;
  }

  private bindAll(options: UdpOptions, warn: UdpWarning): void {
    const gso = options.gso ?? true;
    let port = options.port;
    if (options.ipv4 && (options.local === undefined || isIPv4(options.local))) {
      this.v4 = new UdpSocket(bindSocket(AF_INET, options.local ?? '0.0.0.0', port, options.sockmark), gso);
      port = boundPort(this.v4.fd);
    } else if (options.ipv4) {
      warn(`IPv4 socket not opened: 'local ${options.local ?? ''}' is not an IPv4 address`);
    }
    if (options.ipv6 && (options.local === undefined || isIPv6(options.local))) {
      try {
        this.v6 = new UdpSocket(bindSocket(AF_INET6, options.local ?? '::', port, options.sockmark), gso);
        port = boundPort(this.v6.fd);
      } catch (err) {
        if (this.v4 === undefined) throw err;
        warn(`IPv6 socket not opened: ${(err as Error).message}`);
      }
    } else if (options.ipv6) {
      warn(`IPv6 socket not opened: 'local ${options.local ?? ''}' is not an IPv6 address`);
    }
    if (this.v4 === undefined && this.v6 === undefined) throw new Error('no UDP socket could be opened');
    this.port = port;
  }

  /** Starts delivering datagrams (a batch per socket wakeup). Call once. */
  startReading(): void {
    for (const s of [this.v4, this.v6]) s?.startReading(() => this.drain(s));
  }

  /**
   * Reads what is queued on `s`, up to the bound. Each recvmmsg's datagrams go to the handler as one
   * batch before the next recvmmsg, which reuses the receive slots.
   */
  private drain(s: UdpSocket): void {
    for (let read = 0; read < MAX_DATAGRAMS_PER_WAKEUP && !this.closed;) {
      const batch: ReceivedDatagram[] = [];
      let got: number;
      try {
        got = s.receiver.receive(batch);
      } catch {
        this.receiveErrors++;
        return;
      }
      if (batch.length > 0) this.handler(batch);
      if (got < RECV_BATCH) return;
      read += got;
    }
  }

  /**
   * Queues one datagram on the socket of the destination's family; false if there is none or the
   * address is not an IP literal. It leaves at the next `flush()` (or at once when the queue is full).
   */
  send(to: UdpEndpoint, datagram: Uint8Array): boolean {
    if (this.closed) return false;
    // IPv6 literals always contain ':' and IPv4 ones never (cheaper than isIPv4 per datagram).
    const s = to.address.includes(':') ? this.v6 : this.v4;
    if (s === undefined) return false;
    let full: FlushResult | undefined;
    try {
      full = s.sender.queue(to, datagram);
    } catch (err) {
      this.noteSendError(1, (err as Error).message);
      return false;
    }
    if (full !== undefined) this.account(full);
    return true;
  }

  /** Sends everything queued (one sendmmsg per socket with something queued). */
  flush(): void {
    for (const s of [this.v4, this.v6]) {
      if (s === undefined || s.sender.queued === 0) continue;
      this.account(s.sender.flush());
    }
  }

  /** The address families with an open socket: the widest underlay header decides the TAP MTU. */
  get families(): { readonly ipv4: boolean; readonly ipv6: boolean } {
    return { ipv4: this.v4 !== undefined, ipv6: this.v6 !== undefined };
  }

  /** Whether sends still use GSO (false after the kernel refused it). */
  get segmenting(): boolean {
    return (this.v4 ?? this.v6)?.sender.segmenting ?? false;
  }

  private account(r: FlushResult): void {
    this.datagramsSent += r.sent;
    this.sendCalls++;
    if (r.failed === 0) return;
    this.sendTooBig += r.tooBig;
    this.noteSendError(r.failed, `sendmmsg: ${errnoName(r.lastErrno)}`);
  }

  /**
   * Counts datagrams that were not sent and warns about them, at most once per
   * {@link SEND_WARNING_INTERVAL_MS} (a warning says how many failed since the last one).
   */
  private noteSendError(count: number, message: string): void {
    this.sendErrors += count;
    this.lastSendError = message;
    this.unloggedSendErrors += count;
    const t = Date.now();
    if (t - this.lastSendWarningAt < SEND_WARNING_INTERVAL_MS) return;
    this.lastSendWarningAt = t;
    this.warn(
      `${this.unloggedSendErrors} datagram(s) not sent (last: ${message}; ${this.sendTooBig} too big for their route in all)`,
    );
    this.unloggedSendErrors = 0;
  }

  /** Closes the sockets (queued datagrams are dropped). Safe to call more than once. */
  close(): void {
    this.closed = true;
    this.v4?.close();
    this.v6?.close();
    this.v4 = undefined;
    this.v6 = undefined;
  }
}

/** Creates, configures and binds one non-blocking UDP socket; throws with a readable reason. */
function bindSocket(family: number, address: string, port: number, mark: number): number {
  const c = libc();
  const name = family === AF_INET ? 'udp4' : 'udp6';
  const fd = c.socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`cannot open ${name} socket: ${errnoName(c.errno())}`);
  try {
    if (family === AF_INET6) setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, 'IPV6_V6ONLY');
    setBuffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, 'SO_RCVBUF');
    setBuffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, 'SO_SNDBUF');
    // SO_MARK needs CAP_NET_ADMIN, so it is set now, before privileges are dropped.
    if (mark !== 0) setIntOption(fd, SOL_SOCKET, SO_MARK, mark, 'SO_MARK');
    const sa = encodeSockaddr({ address, port });
    if (c.bind(fd, sa.bytes, sa.length) !== 0) {
      throw new Error(`cannot bind ${name} ${address} port ${port}: ${errnoName(c.errno())}`);
    }
    return fd;
  } catch (err) {
    c.close(fd);
    throw err;
  }
}

/** The FORCE variant passes rmem_max/wmem_max (needs CAP_NET_ADMIN); otherwise the capped one. */
function setBuffer(fd: number, force: number, plain: number, what: string): void {
  try {
    setIntOption(fd, SOL_SOCKET, force, SOCKET_BUFFER_BYTES, `${what}FORCE`);
  } catch {
    setIntOption(fd, SOL_SOCKET, plain, SOCKET_BUFFER_BYTES, what);
  }
}

function boundPort(fd: number): number {
  const c = libc();
  const sa = Buffer.alloc(SOCKADDR_BYTES);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(SOCKADDR_BYTES, 0);
  if (c.getsockname(fd, sa, len) !== 0) throw libcError('getsockname', c.errno());
  return sa.readUInt16BE(2);
}
