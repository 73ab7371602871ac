import { randomInt } from 'node:crypto';
import { X25519 } from '../noise/index.js';
import {
  COOKIE_LIFETIME,
  MAX_PEERS,
  MAX_QUEUED_FRAMES,
  MESSAGE_COOKIE_REPLY,
  MESSAGE_HANDSHAKE_INITIATION,
  MESSAGE_HANDSHAKE_RESPONSE,
  MESSAGE_HELLO,
  MESSAGE_TRANSPORT,
  MIN_FRAME_SIZE,
  PEERINFO_MAX_ENTRIES,
  REDIAL_MAX_INTERVAL,
  REDIAL_MIN_INTERVAL,
  REJECT_AFTER_TIME,
  UNROUTED_FRAME_HOLD_TIME,
} from '../protocol/constants.js';
import { CookieChecker, cookieReplyReceiver, openCookieReply } from '../protocol/cookie.js';
import { HandshakeRateLimiter } from '../protocol/rate-limit.js';
import {
  PeerFlag,
  consumeHello,
  consumeInitiation,
  consumeResponse,
  createHello,
  createInitiation,
  createResponse,
  responseReceiver,
  senderIndexOf,
  type SessionKeys,
} from '../protocol/handshake.js';
import { networkKeys, nodeIdOf, type NetworkKeys } from '../protocol/keys.js';
import { layoutOf, mac1Of, mac1Valid, mac2Valid, type MessageLayout } from '../protocol/messages.js';
import type { NetworkKey } from '../protocol/network-key.js';
import { ReplayWindow } from '../protocol/replay.js';
import { TransportKind, openTransport, parseTransportHeader, sealTransport } from '../protocol/transport.js';
import { Peer, canSend, rekeyDue, sameEndpoint, type Cookie, type Path, type Session } from './peer.js';
import { decodePeerInfo, encodePeerInfo, type PeerInfoEntry } from './peer-info.js';
import { MacTable } from './switch.js';
import {
  nextPeerDeadline,
  runPeerTimers,
  timersAuthenticatedPacketReceived,
  timersAuthenticatedPacketSent,
  timersDataReceived,
  timersDataSent,
  timersHandshakeInitiated,
  timersPeerUp,
  timersSessionDerived,
  timersWantPeer,
  type TimerActions,
} from './timers.js';
import type { EngineIO, EngineOptions, PeerStatus, UdpEndpoint } from './types.js';
import { RELAYED_MAX_IP_PACKET, clampTcpMss, fitRelayedPath } from './relay-mtu.js';

/** ICMP errors (fragmentation needed / packet too big) written into the TAP per second, at most. */
const ICMP_ERRORS_PER_SECOND = 100;

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
  /** Not a packet of ours: unknown type, wrong length, truncated, bad payload. */
  readonly malformed: number;
  /** Handshake/hello whose MAC1 fails: another network name or PSK (or garbage of the right size). */
  readonly wrongNetwork: number;
  /** Handshake that passes MAC1 but fails Noise decryption (forged, or a broken peer). */
  readonly handshakeFailed: number;
  /** Handshake initiation or hello whose timestamp is not newer than the last one from that node. */
  readonly handshakeReplay: number;
  /** Handshake refused because we are under load and it carried no valid cookie (MAC2). */
  readonly underLoad: number;
  /** Handshake or hello over its source address's rate (HANDSHAKES_PER_SECOND_PER_IP); never answered. */
  readonly rateLimited: number;
  /** Transport packet or response for a receiver index we do not have (expired session, garbage). */
  readonly unknownIndex: number;
  /** Transport packet whose AEAD tag fails (bit flips, forgery). */
  readonly badAuth: number;
  /** Transport packet whose counter was already seen or is behind the replay window. */
  readonly replay: number;
  /** Transport packet on a session past REJECT_AFTER_TIME / REJECT_AFTER_MESSAGES. */
  readonly expiredSession: number;
  /** Frame that could not be sent or delivered (no peer, queue full, tunneling disabled, relay refused). */
  readonly noRoute: number;
}

/** Every drop reason at zero, as a fresh object the caller may count into. */
export function zeroDropCounters(): Mutable<DropCounters> {
  return {
    malformed: 0,
    wrongNetwork: 0,
    handshakeFailed: 0,
    handshakeReplay: 0,
    underLoad: 0,
    rateLimited: 0,
    unknownIndex: 0,
    badAuth: 0,
    replay: 0,
    expiredSession: 0,
    noRoute: 0,
  };
}

export interface EngineCounters {
  readonly dropped: DropCounters;
  /** Handshake-class messages on which we did Diffie-Hellman work (what a flood costs us). */
  readonly handshakesProcessed: number;
  readonly handshakesCompleted: number;
  readonly cookieRepliesSent: number;
  /** Packets this node forwarded as a relay. */
  readonly relayedPackets: number;
  /** TCP SYNs whose MSS was lowered because they went to a peer over a relay (relay-mtu.ts). */
  readonly mssClamped: number;
  /** Packets too big for a relayed datagram: fragmented, or answered with ICMP into the TAP. */
  readonly tooBigForRelay: number;
  readonly framesFromTap: number;
  readonly framesToTap: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface InitPeer {
  readonly endpoint: UdpEndpoint;
  helloIndex: number;
  helloMac1: Uint8Array | undefined;
  cookie: Cookie | undefined;
  dialAt: number | undefined;
  interval: number;
}

const LOG_INTERVAL = 10_000;

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

  private readonly keys: NetworkKeys;
  private readonly identity: EngineIdentity;
  private readonly ourFlags: number;
  private readonly cookies: CookieChecker;
  private readonly rateLimiter = new HandshakeRateLimiter();
  private icmpWindowStart = -Infinity;
  private icmpErrorsInWindow = 0;
  private readonly peers = new Map<string, Peer>();
  /** Local index → peer, for sessions and pending handshakes. */
  private readonly indexes = new Map<number, Peer>();
  private readonly initPeers: InitPeer[] = [];
  private readonly macTable = new MacTable();
  /** Frames read while no peer was connected, for the first one that comes up (bounded, aged). */
  private readonly unrouted: { readonly frame: Uint8Array; readonly at: number }[] = [];
  private started = false;
  private earliestDeadline = Infinity;
  private lastTimestamp = 0;
  private readonly logGate = new Map<string, { at: number; suppressed: number }>();
  private readonly dropped: Mutable<DropCounters> = zeroDropCounters();
  private readonly stats: Mutable<Omit<EngineCounters, 'dropped'>> = {
    handshakesProcessed: 0,
    handshakesCompleted: 0,
    cookieRepliesSent: 0,
    relayedPackets: 0,
    mssClamped: 0,
    tooBigForRelay: 0,
    framesFromTap: 0,
    framesToTap: 0,
  };
  private readonly timerActions: TimerActions;

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
    this.keys = networkKeys(networkKey);
    this.identity = identity;
    this.nodeId = identity.nodeId;
    this.ourFlags = (options.tunneling ? PeerFlag.userdata : 0) | (options.relay ? PeerFlag.relay : 0);
    this.cookies = new CookieChecker(this.keys.cookieKey);
    this.timerActions = {
      initiateHandshake: (p, now) => this.initiateHandshake(p, now),
      abandonHandshake: (p) => this.abandonHandshake(p),
      sendKeepalive: (p, now) => this.sendTransport(p, TransportKind.keepalive, new Uint8Array(0), now),
      sendPeerInfo: (p, now) => this.sendPeerInfo(p, now),
      probeEndpoint: (p, now) => this.probeEndpoint(p, now),
      peerDown: (p, now, reason) => this.peerDown(p, now, reason),
      expireSession: (p, s) => this.dropSession(p, s),
      forgetPeer: (p) => this.forgetPeer(p),
      schedule: (deadline) => this.schedule(deadline),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Entry points
  // ---------------------------------------------------------------------------------------------

  /** Begin: dial the init peers. Call once, after the `addInitPeer` calls. */
  start(now: number): void {
    if (this.started) return;
    this.started = true;
    for (const ip of this.initPeers) this.armInitPeer(ip, now);
    this.io.log('info', 'vpn.start', { nodeId: this.nodeId, initPeers: this.initPeers.length });
  }

  /**
   * Add a PeerVPN `initpeers` endpoint (already resolved by the shell). It is dialled at `start` (or at
   * once when already started) and re-dialled with backoff while no connected peer is reachable there.
   */
  addInitPeer(endpoint: UdpEndpoint): void {
    if (this.initPeers.some((ip) => sameEndpoint(ip.endpoint, endpoint))) return;
    const ip: InitPeer = {
      endpoint: { address: endpoint.address, port: endpoint.port },
      helloIndex: this.newIndex(),
      helloMac1: undefined,
      cookie: undefined,
      dialAt: undefined,
      interval: 0,
    };
    this.initPeers.push(ip);
    if (this.started) this.armInitPeer(ip, this.lastNow);
  }

  /** One datagram from the UDP socket. Never throws on bad input: bad packets are counted and dropped. */
  onDatagram(from: UdpEndpoint, datagram: Uint8Array, now: number): void {
    this.lastNow = now;
    this.receive(datagram, { kind: 'direct', endpoint: from }, now);
  }

  /** A batch of datagrams read in one wakeup (same as calling `onDatagram` for each, in order). */
  onDatagrams(batch: readonly ReceivedDatagram[], now: number): void {
    for (const d of batch) this.onDatagram(d.from, d.datagram, now);
  }

  /** One Ethernet frame read from the TAP device (header included, no FCS). */
  onFrame(frame: Uint8Array, now: number): void {
    this.lastNow = now;
    if (!this.options.tunneling) {
      this.dropped.noRoute += 1;
      return;
    }
    if (frame.length < MIN_FRAME_SIZE) {
      this.dropped.malformed += 1;
      return;
    }
    this.stats.framesFromTap += 1;
    const owner = this.macTable.lookup(frame, now);
    if (owner !== undefined && (owner.connected() || owner.handshake !== undefined)) {
      this.sendFrame(owner, frame, now);
      return;
    }
    let sent = false;
    for (const peer of this.peers.values()) {
      if (peer.connected() && (peer.flags & PeerFlag.userdata) !== 0) {
        if (peer.path?.kind === 'relay') {
          // (Clamping is in place: a flooded SYN then reaches direct peers clamped too, harmless.)
          for (const f of this.fitForRelay(frame, now)) this.sendTransport(peer, TransportKind.frame, f, now);
        } else {
          this.sendTransport(peer, TransportKind.frame, frame, now);
        }
        sent = true;
      }
    }
    if (!sent) this.holdUnrouted(frame, now);
  }

  /** A batch of frames read in one wakeup. */
  onFrames(frames: readonly Uint8Array[], now: number): void {
    for (const f of frames) this.onFrame(f, now);
  }

  /** Run every timer whose deadline is ≤ now. Calling it early or late is harmless. */
  onTimer(now: number): void {
    this.lastNow = now;
    this.earliestDeadline = Infinity;
    for (const ip of this.initPeers) this.runInitPeerTimer(ip, now);
    for (const peer of [...this.peers.values()]) runPeerTimers(this.timerActions, peer, now);
    for (const ip of this.initPeers) if (ip.dialAt !== undefined) this.schedule(ip.dialAt);
    for (const peer of this.peers.values()) {
      const d = nextPeerDeadline(peer);
      if (d !== undefined) this.schedule(d);
    }
  }

  /** The earliest `now` at which `onTimer` has work, or undefined when nothing is scheduled. */
  nextTimerDeadline(): number | undefined {
    return this.earliestDeadline === Infinity ? undefined : this.earliestDeadline;
  }

  /** Connected peers (one row per peer with a current session). */
  status(): PeerStatus[] {
    const rows: PeerStatus[] = [];
    for (const p of this.peers.values()) {
      if (!p.connected()) continue;
      rows.push({
        nodeId: p.nodeId,
        endpoint: p.path?.kind === 'direct' ? p.path.endpoint : undefined,
        relayedVia: p.path?.kind === 'relay' ? p.path.via.nodeId : undefined,
        bytesIn: p.bytesIn,
        bytesOut: p.bytesOut,
        lastHandshakeMs: p.lastHandshakeAt,
        lastReceiveMs: p.lastReceivedAt,
      });
    }
    return rows;
  }

  /** Counters for status output and tests (a snapshot). */
  counters(): EngineCounters {
    return { ...this.stats, dropped: { ...this.dropped } };
  }

  private lastNow = 0;

  // ---------------------------------------------------------------------------------------------
  // Receive pipeline
  // ---------------------------------------------------------------------------------------------

  /** Dispatch one datagram that arrived on `path` (directly, or unwrapped from a relay). */
  private receive(datagram: Uint8Array, path: Path, now: number): void {
    switch (datagram[0]) {
      case MESSAGE_TRANSPORT:
        this.receiveTransport(datagram, path, now);
        return;
      case MESSAGE_HANDSHAKE_INITIATION:
      case MESSAGE_HANDSHAKE_RESPONSE:
      case MESSAGE_HELLO:
        this.receiveHandshake(datagram, path, now);
        return;
      case MESSAGE_COOKIE_REPLY:
        this.receiveCookieReply(datagram, now);
        return;
      default:
        this.dropped.malformed += 1;
    }
  }

  /**
   * Handshake-class messages. Order of checks, cheapest first, and never a reply to a bad packet:
   * layout → MAC1 (network secret) → load/cookie (MAC2) → Noise (DH) → replay (timestamp).
   */
  private receiveHandshake(datagram: Uint8Array, path: Path, now: number): void {
    const layout = layoutOf(datagram);
    if (layout === undefined) {
      this.dropped.malformed += 1;
      return;
    }
    if (!mac1Valid(layout, datagram, this.keys.mac1Key)) {
      this.dropped.wrongNetwork += 1;
      this.logLimited('warn', 'handshake.rejected', now, {
        reason: 'wrong network name or PSK (MAC1 mismatch)',
        from: describePath(path),
      });
      return;
    }
    if (layout.type === MESSAGE_HANDSHAKE_RESPONSE) {
      this.receiveResponse(datagram, path, now);
      return;
    }
    if (path.kind === 'direct' && !this.rateLimiter.allow(path.endpoint.address, now)) {
      this.dropped.rateLimited += 1;
      return;
    }
    if (path.kind === 'direct' && !this.admitUnderLoad(layout, datagram, path.endpoint, now)) return;
    this.stats.handshakesProcessed += 1;
    if (layout.type === MESSAGE_HELLO) this.receiveHello(datagram, path, now);
    else this.receiveInitiation(datagram, path, now);
  }

  /** Under load, demand a cookie (MAC2) and answer without one with a cookie reply. */
  private admitUnderLoad(
    layout: MessageLayout,
    datagram: Uint8Array,
    from: UdpEndpoint,
    now: number,
  ): boolean {
    this.cookies.noteHandshake(now);
    if (!this.cookies.underLoad(now)) return true;
    if (mac2Valid(layout, datagram, this.cookies.cookieFor(from, now))) return true;
    this.dropped.underLoad += 1;
    const reply = this.cookies.makeReply(senderIndexOf(datagram), mac1Of(layout, datagram), from, now);
    this.stats.cookieRepliesSent += 1;
    this.io.sendDatagram(from, reply);
    return false;
  }

  private receiveInitiation(datagram: Uint8Array, path: Path, now: number): void {
    const c = consumeInitiation(this.keys, this.identity, datagram);
    if (c === undefined) {
      this.dropped.handshakeFailed += 1;
      this.logLimited('warn', 'handshake.rejected', now, {
        reason: 'initiation failed authentication',
        from: describePath(path),
      });
      return;
    }
    const peer = this.peerFor(c.remoteStatic, now);
    if (peer === undefined) return;
    if (c.timestamp <= peer.latestInitiationTimestamp) {
      this.dropped.handshakeReplay += 1;
      this.logLimited('info', 'handshake.replay', now, { peer: peer.nodeId, from: describePath(path) });
      return;
    }
    peer.latestInitiationTimestamp = c.timestamp;
    peer.flags = c.flags;
    // Both sides initiated at once: the higher NodeID gives way, so one session results.
    if (peer.handshake !== undefined && this.nodeId > peer.nodeId) this.abandonHandshake(peer);
    const localIndex = this.newIndex();
    const response = createResponse(
      this.keys,
      c.state,
      localIndex,
      c.senderIndex,
      this.ourFlags,
      this.freshCookie(peer.cookie, now),
    );
    const session = this.newSession(localIndex, c.senderIndex, response.keys, false, now);
    if (peer.next !== undefined) this.dropSession(peer, peer.next);
    peer.next = session;
    this.indexes.set(localIndex, peer);
    this.updatePath(peer, path, now);
    timersAuthenticatedPacketReceived(peer, now);
    this.sendVia(path, peer, response.message);
    if (!peer.connected()) {
      // Nothing to send on yet: the initiator confirms with its first transport packet.
      peer.lastHandshakeAt = now;
    }
  }

  private receiveResponse(datagram: Uint8Array, path: Path, now: number): void {
    const index = responseReceiver(datagram);
    const peer = this.indexes.get(index);
    const hs = peer?.handshake;
    if (peer === undefined || hs === undefined || hs.localIndex !== index) {
      this.dropped.unknownIndex += 1;
      return;
    }
    this.stats.handshakesProcessed += 1;
    const r = consumeResponse(hs.state, datagram);
    if (r === undefined) {
      this.dropped.handshakeFailed += 1;
      this.logLimited('warn', 'handshake.rejected', now, {
        reason: 'response failed authentication',
        from: describePath(path),
      });
      this.abandonHandshake(peer); // its state is spent; the retransmit timer starts a new one
      return;
    }
    peer.handshake = undefined;
    peer.flags = r.flags;
    const session = this.newSession(index, r.senderIndex, r.keys, true, now);
    this.updatePath(peer, path, now);
    timersAuthenticatedPacketReceived(peer, now);
    this.installCurrent(peer, session, now);
    if (peer.queue.length === 0) this.sendTransport(peer, TransportKind.keepalive, new Uint8Array(0), now);
  }

  private receiveHello(datagram: Uint8Array, path: Path, now: number): void {
    const h = consumeHello(this.keys, datagram);
    if (h === undefined) {
      this.dropped.handshakeFailed += 1;
      return;
    }
    if (Buffer.compare(h.remoteStatic, this.identity.publicKey) === 0) return; // we dialled ourselves
    const peer = this.peerFor(h.remoteStatic, now);
    if (peer === undefined) return;
    if (h.timestamp <= peer.latestHelloTimestamp) {
      this.dropped.handshakeReplay += 1;
      return;
    }
    peer.latestHelloTimestamp = h.timestamp;
    if (path.kind === 'direct') peer.addCandidate(path.endpoint);
    if (peer.connected()) return;
    if (peer.handshake === undefined) this.initiateHandshake(peer, now);
  }

  private receiveCookieReply(datagram: Uint8Array, now: number): void {
    const index = cookieReplyReceiver(datagram);
    if (index === undefined) {
      this.dropped.malformed += 1;
      return;
    }
    const init = this.initPeers.find((ip) => ip.helloIndex === index);
    const peer = this.indexes.get(index);
    const sentMac1 =
      init?.helloMac1 ?? (peer?.handshake?.localIndex === index ? peer.handshake.mac1 : undefined);
    const cookie = sentMac1 && openCookieReply(this.keys.cookieKey, datagram, sentMac1);
    if (cookie === undefined || cookie === null) {
      this.dropped.unknownIndex += 1;
      return;
    }
    if (init !== undefined) init.cookie = { value: cookie, receivedAt: now };
    else if (peer !== undefined) peer.cookie = { value: cookie, receivedAt: now };
  }

  private receiveTransport(datagram: Uint8Array, path: Path, now: number): void {
    const header = parseTransportHeader(datagram);
    if (header === undefined) {
      this.dropped.malformed += 1;
      return;
    }
    const peer = this.indexes.get(header.receiverIndex);
    const session = peer?.sessionFor(header.receiverIndex);
    if (peer === undefined || session === undefined) {
      this.dropped.unknownIndex += 1;
      return;
    }
    if (now - session.createdAt >= REJECT_AFTER_TIME) {
      this.dropped.expiredSession += 1;
      return;
    }
    const payload = openTransport(session.receiveKey, datagram);
    if (payload === undefined) {
      this.dropped.badAuth += 1;
      return;
    }
    if (!session.replay.accept(header.counter)) {
      this.dropped.replay += 1;
      return;
    }
    // Authentic and fresh: from here on the packet tells us things about the peer.
    peer.bytesIn += datagram.length;
    timersAuthenticatedPacketReceived(peer, now);
    if (header.kind !== TransportKind.keepalive) timersDataReceived(this.timerActions, peer, now);
    this.updatePath(peer, path, now);
    if (session === peer.next) {
      peer.next = undefined;
      this.installCurrent(peer, session, now);
    }
    this.deliver(peer, header.kind, payload, path, now);
  }

  /** Act on the decrypted payload of a transport packet from `peer`. */
  private deliver(peer: Peer, kind: number, payload: Uint8Array, path: Path, now: number): void {
    switch (kind) {
      case TransportKind.keepalive:
        return;
      case TransportKind.frame:
        if (!this.options.tunneling || payload.length < MIN_FRAME_SIZE) {
          this.dropped.noRoute += 1;
          return;
        }
        this.macTable.learn(payload, peer, now);
        this.stats.framesToTap += 1;
        this.io.writeFrame(payload);
        return;
      case TransportKind.peerInfo:
        this.learnPeerInfo(peer, payload, now);
        return;
      case TransportKind.relayIn:
        this.relay(peer, payload, now);
        return;
      case TransportKind.relayOut:
        // The inner datagram is end-to-end encrypted between its sender and us; depth is limited to 1.
        if (path.kind === 'relay') this.dropped.malformed += 1;
        else this.receive(payload, { kind: 'relay', via: peer }, now);
        return;
      default:
        this.dropped.malformed += 1;
    }
  }

  /** As a relay: forward an opaque datagram from `from` to the peer it names. */
  private relay(from: Peer, payload: Uint8Array, now: number): void {
    if (!this.options.relay || payload.length < 32) {
      this.dropped.noRoute += 1;
      return;
    }
    const target = this.peers.get(Buffer.from(payload.subarray(0, 32)).toString('hex'));
    if (target === undefined || target === from || target.path?.kind !== 'direct') {
      this.dropped.noRoute += 1;
      return;
    }
    if (this.sendTransport(target, TransportKind.relayOut, payload.subarray(32), now)) {
      this.stats.relayedPackets += 1;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Send pipeline
  // ---------------------------------------------------------------------------------------------

  /**
   * A frame bound for a relayed path, which carries a second envelope (relay-mtu.ts): a TCP SYN gets
   * a smaller MSS; a packet too big for one relayed datagram is fragmented (IPv4 without DF) or
   * answered with ICMP "fragmentation needed" / "packet too big" into the TAP. Returns what to send.
   */
  private fitForRelay(frame: Uint8Array, now: number): readonly Uint8Array[] {
    if (clampTcpMss(frame, RELAYED_MAX_IP_PACKET)) this.stats.mssClamped += 1;
    const fit = fitRelayedPath(frame, RELAYED_MAX_IP_PACKET);
    if (fit.kind === 'fits') return [frame];
    this.stats.tooBigForRelay += 1;
    if (fit.kind === 'fragments') return fit.frames;
    if (fit.kind === 'too-big' && this.icmpErrorAllowed(now)) {
      this.stats.framesToTap += 1;
      this.io.writeFrame(fit.icmp);
    }
    return [];
  }

  /** ICMP errors we write into the TAP: at most ICMP_ERRORS_PER_SECOND (Linux limits its own too). */
  private icmpErrorAllowed(now: number): boolean {
    if (now - this.icmpWindowStart >= 1000) {
      this.icmpWindowStart = now;
      this.icmpErrorsInWindow = 0;
    }
    if (this.icmpErrorsInWindow >= ICMP_ERRORS_PER_SECOND) return false;
    this.icmpErrorsInWindow += 1;
    return true;
  }

  private sendFrame(peer: Peer, frame: Uint8Array, now: number): void {
    if (peer.path?.kind === 'relay') {
      for (const f of this.fitForRelay(frame, now)) this.sendFrameNow(peer, f, now);
      return;
    }
    this.sendFrameNow(peer, frame, now);
  }

  private sendFrameNow(peer: Peer, frame: Uint8Array, now: number): void {
    if (this.sendTransport(peer, TransportKind.frame, frame, now)) return;
    if (peer.queue.length >= MAX_QUEUED_FRAMES) {
      this.dropped.noRoute += 1;
      return;
    }
    peer.queue.push(frame.slice()); // the shell may reuse `frame` after we return
    if (peer.handshake === undefined) this.initiateHandshake(peer, now);
  }

  /** Seal and send on the peer's current session; false when there is none usable. */
  private sendTransport(peer: Peer, kind: TransportKind, payload: Uint8Array, now: number): boolean {
    const s = peer.current;
    const path = peer.path;
    if (s === undefined || path === undefined) return false;
    if (!canSend(s, now)) return false;
    const datagram = sealTransport(s.sendKey, s.remoteIndex, s.sendCounter, kind, payload);
    s.sendCounter += 1;
    if (!this.sendVia(path, peer, datagram)) return false;
    peer.bytesOut += datagram.length;
    timersAuthenticatedPacketSent(peer, now);
    if (kind !== TransportKind.keepalive) timersDataSent(this.timerActions, peer, now);
    if (peer.handshake === undefined && rekeyDue(s, now)) this.initiateHandshake(peer, now);
    return true;
  }

  /** Put a datagram on a path: straight to the endpoint, or wrapped for the relay. */
  private sendVia(path: Path, target: Peer, datagram: Uint8Array): boolean {
    if (path.kind === 'direct') {
      this.io.sendDatagram(path.endpoint, datagram);
      return true;
    }
    const relay = path.via;
    const wrapped = new Uint8Array(32 + datagram.length);
    wrapped.set(target.nodeIdBytes, 0);
    wrapped.set(datagram, 32);
    return (
      relay.path?.kind === 'direct' && this.sendTransport(relay, TransportKind.relayIn, wrapped, this.lastNow)
    );
  }

  /**
   * Start (or retransmit) our IK initiation to a peer. One initiation goes out on every path worth
   * trying: the current one, direct candidates (to find or upgrade to a direct path) and, while we
   * are not connected, one relay. The copies are identical, so the responder answers the first and
   * drops the others as replays.
   */
  private initiateHandshake(peer: Peer, now: number): void {
    const paths = this.handshakePaths(peer);
    const firstAttemptAt = peer.handshake?.firstAttemptAt ?? now;
    this.abandonHandshake(peer);
    const localIndex = this.newIndex();
    const init = createInitiation(
      this.keys,
      this.identity,
      peer.staticKey,
      localIndex,
      this.nextTimestamp(now),
      this.ourFlags,
      this.freshCookie(peer.cookie, now),
    );
    peer.handshake = { localIndex, state: init.state, mac1: init.mac1, firstAttemptAt };
    this.indexes.set(localIndex, peer);
    for (const p of paths) this.sendVia(p, peer, init.message);
    timersHandshakeInitiated(this.timerActions, peer, now);
  }

  private handshakePaths(peer: Peer): Path[] {
    const paths: Path[] = [];
    if (peer.path !== undefined) paths.push(peer.path);
    if (peer.path?.kind !== 'direct') {
      for (const c of peer.candidates.slice(0, 3)) paths.push({ kind: 'direct', endpoint: c });
    }
    if (!peer.connected()) {
      for (const id of peer.relays) {
        const r = this.peers.get(id);
        if (
          r !== undefined &&
          r.connected() &&
          r.path?.kind === 'direct' &&
          (r.flags & PeerFlag.relay) !== 0
        ) {
          if (peer.path?.kind !== 'relay' || peer.path.via !== r) paths.push({ kind: 'relay', via: r });
          break;
        }
      }
    }
    return paths;
  }

  private sendPeerInfo(peer: Peer, now: number): void {
    const entries: PeerInfoEntry[] = [];
    for (const other of this.peers.values()) {
      if (other === peer || !other.connected() || other.path?.kind !== 'direct') continue;
      entries.push({ staticKey: other.staticKey, flags: other.flags, endpoint: other.path.endpoint });
    }
    // Rotate through the peers when there are more than fit in one message.
    for (let i = 0; i < entries.length; i += PEERINFO_MAX_ENTRIES) {
      this.sendTransport(
        peer,
        TransportKind.peerInfo,
        encodePeerInfo(entries.slice(i, i + PEERINFO_MAX_ENTRIES)),
        now,
      );
    }
  }

  /** Tell every other connected peer about a peer that just came up (so the mesh closes quickly). */
  private announce(peer: Peer, now: number): void {
    if (peer.path?.kind !== 'direct') return;
    const info = encodePeerInfo([
      { staticKey: peer.staticKey, flags: peer.flags, endpoint: peer.path.endpoint },
    ]);
    for (const other of this.peers.values()) {
      if (other !== peer && other.connected()) this.sendTransport(other, TransportKind.peerInfo, info, now);
    }
  }

  private learnPeerInfo(from: Peer, payload: Uint8Array, now: number): void {
    const entries = decodePeerInfo(payload);
    if (entries === undefined) {
      this.dropped.malformed += 1;
      return;
    }
    for (const e of entries) {
      if (Buffer.compare(e.staticKey, this.identity.publicKey) === 0) continue;
      const peer = this.peerFor(e.staticKey, now);
      if (peer === undefined) continue;
      peer.addCandidate(e.endpoint);
      if ((from.flags & PeerFlag.relay) !== 0) peer.relays.add(from.nodeId);
      if (!peer.connected()) {
        if (peer.flags === 0) peer.flags = e.flags;
        timersWantPeer(this.timerActions, peer, now);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Peers and sessions
  // ---------------------------------------------------------------------------------------------

  private peerFor(staticKey: Uint8Array, now: number): Peer | undefined {
    const id = nodeIdOf(staticKey);
    const known = this.peers.get(id);
    if (known !== undefined) return known;
    if (this.peers.size >= MAX_PEERS) {
      this.logLimited('warn', 'peer.table_full', now, { max: MAX_PEERS });
      return undefined;
    }
    const peer = new Peer(id, Buffer.from(id, 'hex'), new Uint8Array(staticKey), now);
    this.peers.set(id, peer);
    return peer;
  }

  private newSession(
    localIndex: number,
    remoteIndex: number,
    keys: SessionKeys,
    isInitiator: boolean,
    now: number,
  ): Session {
    return {
      localIndex,
      remoteIndex,
      sendKey: keys.send,
      receiveKey: keys.receive,
      createdAt: now,
      isInitiator,
      sendCounter: 0,
      replay: new ReplayWindow(),
    };
  }

  /** A confirmed session becomes current; the old current stays as previous for in-flight packets. */
  private installCurrent(peer: Peer, session: Session, now: number): void {
    const wasConnected = peer.connected();
    if (peer.previous !== undefined) this.dropSession(peer, peer.previous);
    peer.previous = peer.current;
    peer.current = session;
    this.indexes.set(session.localIndex, peer);
    peer.lastHandshakeAt = now;
    this.stats.handshakesCompleted += 1;
    timersSessionDerived(this.timerActions, peer, session);
    if (!wasConnected) this.peerUp(peer, now);
    this.flushQueue(peer, now);
  }

  private peerUp(peer: Peer, now: number): void {
    timersPeerUp(this.timerActions, peer, now);
    this.io.log('info', 'peer.up', { peer: peer.nodeId, path: describePath(peer.path) });
    this.replaceStalePeers(peer, now);
    this.sendPeerInfo(peer, now);
    this.announce(peer, now);
    this.flushUnrouted(peer, now);
  }

  /**
   * One UDP endpoint is one process, and identities are per process: a new peer that authenticates
   * from the endpoint of another peer means that node restarted. The old identity can never come back,
   * so it is dropped at once (its MAC entries with it, so frames flood to the new node) instead of
   * after DEAD_PEER_TIMEOUT, and forgotten rather than redialled.
   */
  private replaceStalePeers(peer: Peer, now: number): void {
    const here = peer.path;
    if (here?.kind !== 'direct') return;
    for (const other of [...this.peers.values()]) {
      if (other === peer) continue;
      const sameHome =
        other.path?.kind === 'direct'
          ? sameEndpoint(other.path.endpoint, here.endpoint)
          : other.path === undefined && other.candidates.some((c) => sameEndpoint(c, here.endpoint));
      if (!sameHome) continue;
      if (other.connected()) {
        this.peerDown(other, now, `restarted: new node ${peer.nodeId.slice(0, 16)} at its endpoint`);
      }
      this.forgetPeer(other);
    }
  }

  /**
   * Data sent to a connected peer went unanswered for UNANSWERED_DATA_TIMEOUT although a live peer
   * acknowledges within PASSIVE_KEEPALIVE_TIMEOUT. If the node there restarted, it has a new identity
   * and drops our packets as unknownIndex without a word (it must not answer unauthenticated
   * packets). A Hello at the endpoint tells such a node who we are, and it initiates to us; a live peer
   * that was just slow ignores a Hello from a node it is connected to. So the session comes back
   * within seconds of the restart rather than after DEAD_PEER_TIMEOUT.
   */
  private probeEndpoint(peer: Peer, now: number): void {
    if (peer.path?.kind !== 'direct') return; // a relayed peer is re-announced by its relay
    const endpoint = peer.path.endpoint;
    this.io.log('debug', 'peer.unanswered', { peer: peer.nodeId, path: describePath(peer.path) });
    const ip = this.initPeers.find((i) => sameEndpoint(i.endpoint, endpoint));
    // An init peer's hello index routes a cookie reply back to it; otherwise a one-off index.
    const index = ip?.helloIndex ?? this.newIndex();
    const hello = createHello(
      this.keys,
      this.identity,
      index,
      this.nextTimestamp(now),
      this.freshCookie(ip?.cookie, now),
    );
    if (ip !== undefined) ip.helloMac1 = hello.mac1;
    this.io.sendDatagram(endpoint, hello.message);
  }

  private peerDown(peer: Peer, now: number, reason: string): void {
    this.io.log('info', 'peer.down', { peer: peer.nodeId, reason });
    const lastEndpoint = peer.path?.kind === 'direct' ? peer.path.endpoint : undefined;
    for (const s of [peer.current, peer.previous, peer.next]) if (s !== undefined) this.dropSession(peer, s);
    this.abandonHandshake(peer);
    if (peer.path?.kind === 'direct') peer.addCandidate(peer.path.endpoint);
    peer.path = undefined;
    peer.queue.length = 0;
    peer.rekeyAt = undefined;
    peer.peerInfoAt = undefined;
    peer.unansweredProbeAt = undefined;
    peer.passiveKeepaliveAt = undefined;
    peer.lastUsefulAt = now;
    this.macTable.forgetPeer(peer);
    timersWantPeer(this.timerActions, peer, now);
    // The node at an init peer's endpoint may come back with a new identity: say hello again soon.
    for (const ip of this.initPeers) {
      if (ip.dialAt !== undefined && lastEndpoint !== undefined && sameEndpoint(ip.endpoint, lastEndpoint)) {
        ip.interval = 0;
        ip.dialAt = now;
        this.schedule(now);
      }
    }
  }

  private forgetPeer(peer: Peer): void {
    for (const s of [peer.current, peer.previous, peer.next]) if (s !== undefined) this.dropSession(peer, s);
    this.abandonHandshake(peer);
    this.macTable.forgetPeer(peer);
    this.peers.delete(peer.nodeId);
    this.io.log('debug', 'peer.forgotten', { peer: peer.nodeId });
  }

  private dropSession(peer: Peer, session: Session): void {
    this.indexes.delete(session.localIndex);
    if (peer.current === session) peer.current = undefined;
    if (peer.previous === session) peer.previous = undefined;
    if (peer.next === session) peer.next = undefined;
  }

  private abandonHandshake(peer: Peer): void {
    if (peer.handshake === undefined) return;
    this.indexes.delete(peer.handshake.localIndex);
    peer.handshake = undefined;
  }

  /** No connected peer to flood to: keep the frame (an ARP request, say) for the first peer that comes up. */
  private holdUnrouted(frame: Uint8Array, now: number): void {
    while (
      this.unrouted.length > 0 &&
      (this.unrouted.length >= MAX_QUEUED_FRAMES || now - this.unrouted[0]!.at >= UNROUTED_FRAME_HOLD_TIME)
    ) {
      this.unrouted.shift();
      this.dropped.noRoute += 1;
    }
    this.unrouted.push({ frame: frame.slice(), at: now }); // the shell may reuse `frame`
  }

  /** Flood the held frames that are still fresh to a peer that just came up. */
  private flushUnrouted(peer: Peer, now: number): void {
    if ((peer.flags & PeerFlag.userdata) === 0 || !this.options.tunneling) return;
    for (const held of this.unrouted.splice(0)) {
      if (now - held.at < UNROUTED_FRAME_HOLD_TIME) {
        this.sendTransport(peer, TransportKind.frame, held.frame, now);
      } else {
        this.dropped.noRoute += 1;
      }
    }
  }

  private flushQueue(peer: Peer, now: number): void {
    while (peer.queue.length > 0) {
      const frame = peer.queue.shift()!;
      if (!this.sendTransport(peer, TransportKind.frame, frame, now)) break;
    }
  }

  /**
   * Roaming: an authenticated packet from somewhere else moves the peer there. A relayed packet
   * does not displace a direct path that is still alive.
   */
  private updatePath(peer: Peer, path: Path, now: number): void {
    if (path.kind === 'direct') {
      peer.lastDirectReceivedAt = now;
      const cur = peer.path;
      if (cur?.kind === 'direct' && sameEndpoint(cur.endpoint, path.endpoint)) return;
      if (cur !== undefined)
        this.io.log('debug', 'peer.roamed', { peer: peer.nodeId, path: describePath(path) });
      peer.path = path;
      peer.addCandidate(path.endpoint);
      return;
    }
    const directAlive =
      peer.path?.kind === 'direct' &&
      peer.lastDirectReceivedAt !== undefined &&
      now - peer.lastDirectReceivedAt < 2 * REDIAL_MAX_INTERVAL;
    if (!directAlive) peer.path = path;
  }

  // ---------------------------------------------------------------------------------------------
  // Init peers (PeerVPN `initpeers`): a hello makes the node there start an IK handshake with us.
  // ---------------------------------------------------------------------------------------------

  private armInitPeer(ip: InitPeer, now: number): void {
    ip.dialAt = now;
    this.schedule(now);
  }

  private runInitPeerTimer(ip: InitPeer, now: number): void {
    if (ip.dialAt === undefined || now < ip.dialAt) return;
    const satisfied = [...this.peers.values()].some(
      (p) => p.connected() && p.path?.kind === 'direct' && sameEndpoint(p.path.endpoint, ip.endpoint),
    );
    if (satisfied) {
      ip.interval = 0;
      ip.dialAt = now + REDIAL_MAX_INTERVAL;
      return;
    }
    const hello = createHello(
      this.keys,
      this.identity,
      ip.helloIndex,
      this.nextTimestamp(now),
      this.freshCookie(ip.cookie, now),
    );
    ip.helloMac1 = hello.mac1;
    this.io.sendDatagram(ip.endpoint, hello.message);
    ip.interval = Math.min(Math.max(REDIAL_MIN_INTERVAL, ip.interval * 2), REDIAL_MAX_INTERVAL);
    ip.dialAt = now + ip.interval;
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------------

  private schedule(deadline: number): void {
    if (deadline < this.earliestDeadline) this.earliestDeadline = deadline;
  }

  private newIndex(): number {
    for (;;) {
      const i = randomInt(1, 0xffff_ffff);
      if (!this.indexes.has(i) && !this.initPeers.some((ip) => ip.helloIndex === i)) return i;
    }
  }

  /** Strictly increasing per process (our static key is per process, so this is per identity). */
  private nextTimestamp(now: number): number {
    this.lastTimestamp = Math.max(this.lastTimestamp + 1, Math.floor(now * 1000));
    return this.lastTimestamp;
  }

  private freshCookie(cookie: Cookie | undefined, now: number): Uint8Array | undefined {
    return cookie !== undefined && now - cookie.receivedAt < COOKIE_LIFETIME ? cookie.value : undefined;
  }

  /** Log an event at most once per LOG_INTERVAL (floods of bad packets must not flood the log). */
  private logLimited(
    level: 'debug' | 'info' | 'warn',
    event: string,
    now: number,
    fields: Readonly<Record<string, unknown>>,
  ): void {
    const gate = this.logGate.get(event);
    if (gate !== undefined && now - gate.at < LOG_INTERVAL) {
      gate.suppressed += 1;
      return;
    }
    this.io.log(level, event, gate?.suppressed ? { ...fields, suppressed: gate.suppressed } : fields);
    this.logGate.set(event, { at: now, suppressed: 0 });
  }
}

function describePath(path: Path | undefined): string {
  if (path === undefined) return 'none';
  if (path.kind === 'relay') return `relay:${path.via.nodeId.slice(0, 16)}`;
  return path.endpoint.address.includes(':')
    ? `[${path.endpoint.address}]:${path.endpoint.port}`
    : `${path.endpoint.address}:${path.endpoint.port}`;
}

/** A fresh X25519 identity (per process). */
export function generateIdentity(): EngineIdentity {
  const kp = X25519.generateKeyPair();
  return {
    privateKey: new Uint8Array(kp.privateKey),
    publicKey: new Uint8Array(kp.publicKey),
    nodeId: nodeIdOf(kp.publicKey),
  };
}
