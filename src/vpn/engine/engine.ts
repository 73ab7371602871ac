import type { NetworkKey } from '../protocol/network-key.js';
import type { EngineIO, EngineOptions, PeerStatus, UdpEndpoint } from './types.js';

/** A node's long-term (per-process) X25519 identity. NodeID = hex BLAKE2s-256 of the public key. */
export interface EngineIdentity {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly nodeId: string;
}

/** One datagram of a batch read from the UDP socket. */
export interface ReceivedDatagram {
  readonly from: UdpEndpoint;
  readonly datagram: Uint8Array;
}

/** Packets the engine dropped, by reason (monotonic counts since construction). */
export interface DropCounters {
  /** Not a packet of ours: unknown type, wrong length, truncated. */
  readonly malformed: number;
  /** Handshake/hello whose MAC1 fails: another network name or PSK (or forged). */
  readonly wrongNetwork: number;
  /** Handshake that passes MAC1 but fails Noise decryption (forged, or a broken peer). */
  readonly handshakeFailed: number;
  /** Handshake initiation whose timestamp is not newer than the last one seen from that node. */
  readonly handshakeReplay: number;
  /** Handshake refused because we are under load and it carried no valid cookie (MAC2). */
  readonly underLoad: number;
  /** Transport packet for a receiver index we do not have (expired session, garbage). */
  readonly unknownIndex: number;
  /** Transport packet whose AEAD tag fails (bit flips, forgery). */
  readonly badAuth: number;
  /** Transport packet whose counter was already seen or is behind the replay window. */
  readonly replay: number;
  /** Transport packet on a session past REJECT_AFTER_TIME / REJECT_AFTER_MESSAGES. */
  readonly expiredSession: number;
  /** Frame that could not be sent (no peer, queue full, tunneling disabled). */
  readonly noRoute: number;
}

export interface EngineCounters {
  readonly dropped: DropCounters;
  /** Handshake messages on which we did Diffie-Hellman work (what a flood costs us). */
  readonly handshakesProcessed: number;
  readonly handshakesCompleted: number;
  readonly cookieRepliesSent: number;
  readonly relayedPackets: number;
  readonly framesFromTap: number;
  readonly framesToTap: number;
}

/**
 * The mesh VPN engine. Sans-I/O: it never reads a clock, a socket or a device. Every entry point takes
 * `now`, the shell's monotonic time in milliseconds (e.g. `performance.now()`), and answers through
 * `io` synchronously, before returning.
 *
 * Buffer ownership: the engine does not keep a reference to a `datagram` or `frame` it is given after
 * the call returns (the shell may reuse its read buffers). Buffers the engine passes to
 * `io.sendDatagram` / `io.writeFrame` belong to the shell from then on.
 */
export class VpnEngine {
  /** This node's NodeID (hex), as shown in status and logs. */
  readonly nodeId: string;

  /**
   * @param options the validated PeerVPN options (networkName already normalised).
   * @param networkKey `await deriveNetworkKey(options.networkName, options.psk)`; it must belong to
   *   the same network name (checked).
   * @param io the shell.
   * @param identity this node's static key; a fresh one per process when omitted.
   */
  constructor(
    readonly options: EngineOptions,
    networkKey: NetworkKey,
    private readonly io: EngineIO,
    identity: EngineIdentity = generateIdentity(),
  ) {
    if (networkKey.networkName !== options.networkName) {
      throw new Error('network key was derived for another network name');
    }
    this.nodeId = identity.nodeId;
  }

  /** Begin: dial the init peers. Call once, after the `addInitPeer` calls. */
  start(now: number): void {
    void now;
    throw new Error('VpnEngine.start: not implemented yet');
  }

  /**
   * Add a PeerVPN `initpeers` endpoint (already resolved by the shell). It is dialled at `start` (or at
   * once when already started) and re-dialled with backoff while no connected peer is reachable there.
   */
  addInitPeer(endpoint: UdpEndpoint): void {
    void endpoint;
    throw new Error('VpnEngine.addInitPeer: not implemented yet');
  }

  /** One datagram from the UDP socket. Never throws on bad input: bad packets are counted and dropped. */
  onDatagram(from: UdpEndpoint, datagram: Uint8Array, now: number): void {
    void from;
    void datagram;
    void now;
    throw new Error('VpnEngine.onDatagram: not implemented yet');
  }

  /** A batch of datagrams read in one wakeup (same as calling `onDatagram` for each, in order). */
  onDatagrams(batch: readonly ReceivedDatagram[], now: number): void {
    for (const d of batch) this.onDatagram(d.from, d.datagram, now);
  }

  /** One Ethernet frame read from the TAP device (header included, no FCS). */
  onFrame(frame: Uint8Array, now: number): void {
    void frame;
    void now;
    throw new Error('VpnEngine.onFrame: not implemented yet');
  }

  /** A batch of frames read in one wakeup. */
  onFrames(frames: readonly Uint8Array[], now: number): void {
    for (const f of frames) this.onFrame(f, now);
  }

  /** Run every timer whose deadline is ≤ now. Calling it early or late is harmless. */
  onTimer(now: number): void {
    void now;
    throw new Error('VpnEngine.onTimer: not implemented yet');
  }

  /** The earliest `now` at which `onTimer` has work, or undefined when nothing is scheduled. */
  nextTimerDeadline(): number | undefined {
    return undefined;
  }

  /** Connected peers (one row per peer with a usable session or a known path). */
  status(): PeerStatus[] {
    return [];
  }

  /** Counters for status output and tests (a snapshot). */
  counters(): EngineCounters {
    throw new Error('VpnEngine.counters: not implemented yet');
  }
}

/** A fresh X25519 identity (per process). */
export function generateIdentity(): EngineIdentity {
  throw new Error('generateIdentity: not implemented yet');
}
