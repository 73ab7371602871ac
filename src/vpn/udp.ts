/**
 * The UDP underlay: one IPv4 and/or one IPv6 (v6-only) socket on the same port, as PeerVPN opens them.
 *
 * Receive batching: Node hands over one datagram per 'message' event, but libuv reads a whole burst in
 * one poll phase. Datagrams are queued and delivered as one batch from a `setImmediate` (the check
 * phase right after that poll phase), so the engine sees many datagrams per wakeup and the shell can
 * flush the engine's answers once per batch.
 *
 * Socket buffers are raised to {@link SOCKET_BUFFER_BYTES}: PeerVPN's default buffers lose ~10 % of
 * datagrams under TCP load (specs/peervpn-0.044.md §0).
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';
import type { ReceivedDatagram, UdpEndpoint } from './engine/index.js';
import { SOL_SOCKET, SO_MARK, libc, libcError } from './libc.js';

export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpOptions {
  readonly port: number;
  readonly local: string | undefined;
  readonly ipv4: boolean;
  readonly ipv6: boolean;
  /** SO_MARK; 0 leaves it unset. */
  readonly sockmark: number;
}

export type { ReceivedDatagram };
export type DatagramsHandler = (batch: readonly ReceivedDatagram[]) => void;
export type UdpWarning = (message: string) => void;

export class UdpTransport {
  private v4: Socket | undefined;
  private v6: Socket | undefined;
  private pending: ReceivedDatagram[] = [];
  private flushScheduled = false;
  /** The port actually bound (the configured one, or the kernel's pick for `port 0`). */
  port = 0;
  /** Send failures (unreachable networks and the like), counted instead of crashing. */
  sendErrors = 0;
  lastSendError: string | undefined;

  private constructor(private readonly handler: DatagramsHandler) {}

  /**
   * Opens the sockets. A family that cannot be opened (e.g. IPv6 with an IPv4 `local`, or IPv6
   * disabled) is tolerated with a warning, as PeerVPN does, as long as one family works.
   */
  static async open(
    options: UdpOptions,
    onDatagrams: DatagramsHandler,
    warn: UdpWarning,
  ): Promise<UdpTransport> {
    const t = new UdpTransport(onDatagrams);
    try {
      await t.bindAll(options, warn);
    } catch (err) {
      t.close();
      throw err;
    }
    return t;
  }

  private async bindAll(options: UdpOptions, warn: UdpWarning): Promise<void> {
    const deliver: Deliver = (data, address, port) =>
      this.enqueue({ from: { address, port }, datagram: data });
    let port = options.port;
    if (options.ipv4 && (options.local === undefined || isIPv4(options.local))) {
      this.v4 = await bindSocket('udp4', options.local ?? '0.0.0.0', port, deliver);
      port = this.v4.address().port;
    } else if (options.ipv4) {
      warn(`IPv4 socket not opened: 'local ${options.local ?? ''}' is not an IPv4 address`);
    }
    if (options.ipv6 && (options.local === undefined || isIPv6(options.local))) {
      try {
        this.v6 = await bindSocket('udp6', options.local ?? '::', port, deliver);
        port = this.v6.address().port;
      } catch (err) {
        if (this.v4 === undefined) throw err;
        warn(`IPv6 socket not opened: ${(err as Error).message}`);
      }
    } else if (options.ipv6) {
      warn(`IPv6 socket not opened: 'local ${options.local ?? ''}' is not an IPv6 address`);
    }
    if (this.v4 === undefined && this.v6 === undefined) throw new Error('no UDP socket could be opened');
    this.port = port;
    for (const s of [this.v4, this.v6]) {
      if (s === undefined) continue;
      s.on('error', (err) => this.noteSendError(err));
      if (options.sockmark !== 0) setSocketMark(s, options.sockmark);
    }
  }

  private enqueue(d: ReceivedDatagram): void {
    this.pending.push(d);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.pending;
      this.pending = [];
      this.handler(batch);
    });
  }

  private noteSendError(err: Error): void {
    this.sendErrors++;
    this.lastSendError = err.message;
  }

  /** Sends one datagram on the socket of the destination's family; false if there is none. */
  send(to: UdpEndpoint, datagram: Uint8Array): boolean {
    const socket = isIPv4(to.address) ? this.v4 : this.v6;
    if (socket === undefined) return false;
    socket.send(datagram, to.port, to.address);
    return true;
  }

  close(): void {
    this.v4?.close();
    this.v6?.close();
    this.v4 = undefined;
    this.v6 = undefined;
  }
}

type Deliver = (data: Buffer, address: string, port: number) => void;

function bindSocket(type: 'udp4' | 'udp6', address: string, port: number, deliver: Deliver): Promise<Socket> {
  const socket = createSocket({
    type,
    ipv6Only: type === 'udp6',
    recvBufferSize: SOCKET_BUFFER_BYTES,
    sendBufferSize: SOCKET_BUFFER_BYTES,
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.close();
      reject(new Error(`cannot bind ${type} ${address} port ${port}: ${err.message}`));
    };
    socket.once('error', onError);
    socket.on('message', (msg, rinfo) => deliver(msg, rinfo.address, rinfo.port));
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * SO_MARK needs the socket's fd, which dgram keeps in its (undocumented but stable) handle.
 * Needs CAP_NET_ADMIN, so it is set before privileges are dropped.
 */
function setSocketMark(socket: Socket, mark: number): void {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('sockmark: cannot reach the UDP socket fd');
  const value = Buffer.alloc(4);
  value.writeUInt32LE(mark, 0);
  const c = libc();
  if (c.setsockopt(fd, SOL_SOCKET, SO_MARK, value, 4) !== 0) {
    throw libcError(`setsockopt(SO_MARK, ${mark})`, c.errno());
  }
}
