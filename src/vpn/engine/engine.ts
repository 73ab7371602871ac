/**
 * `VpnEngine`: the engine's only door (wireguard-go's device.go). It owns the engine state
 * (state.ts) and turns the shell's events into calls of the pipelines:
 *
 *   onDatagram(s) → receive.ts      a datagram from the UDP socket
 *   onFrame(s)    → send.ts         a frame from the TAP (switched to one peer, or flooded)
 *   onTimer       → timers.ts       every timer whose deadline passed; sessions.ts acts on them
 *
 * and answers questions about it (status, counters, the next timer deadline).
 */
import { X25519 } from '../noise/index.js';
import { PeerFlag } from '../protocol/handshake.js';
import { networkKeys, nodeIdOf } from '../protocol/keys.js';
import type { NetworkKey } from '../protocol/network-key.js';
import { TransportKind } from '../protocol/transport.js';
import { ETH_HEADER } from '../packet/index.js';
import type { EngineCounters } from './counters.js';
import { sameEndpoint, type InitPeerDial } from './peer.js';
import { receiveDatagram } from './receive.js';
import {
  fitForRelay,
  holdUnrouted,
  initiateHandshake,
  probeDirectPaths,
  probeEndpoint,
  sendFrame,
  sendHello,
  sendKeepalive,
  sendPeerInfo,
  sendTransport,
} from './send.js';
import { forgetPeer, peerDown, restartCheckExpired } from './sessions.js';
import { EngineState, allowedSet } from './state.js';
import { encodeKey } from '../protocol/node-keys.js';
import {
  nextPeerDeadline,
  runInitPeerTimer,
  runPeerTimers,
  timersFrameForInitPeer,
  timersFrameForLostPeer,
  timersInitPeerAdded,
  type TimerActions,
} from './timers.js';
import type {
  EngineIO,
  EngineIdentity,
  EngineOptions,
  PeerStatus,
  ReceivedDatagram,
  UdpEndpoint,
} from './types.js';

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

  private readonly state: EngineState;
  private started = false;

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
    io: EngineIO,
    identity: EngineIdentity = generateIdentity(),
  ) {
    if (networkKey.networkName !== options.networkName) {
      throw new Error('network key was derived for another network name');
    }
    this.nodeId = identity.nodeId;
    this.state = new EngineState(options, networkKeys(networkKey), io, identity, timerActions);
  }

  /** Begin: dial the init peers. Call once, after the `addInitPeer` calls. */
  start(now: number): void {
    if (this.started) return;
    this.started = true;
    const e = this.state;
    e.startedAt = now;
    for (const ip of e.initPeers) timersInitPeerAdded(e.timers, ip, now);
    e.io.log('info', 'vpn.start', { nodeId: this.nodeId, initPeers: e.initPeers.length });
  }

  /**
   * Add a PeerVPN `initpeers` endpoint (already resolved by the shell). It is dialled at `start` (or at
   * once when already started) and re-dialled with backoff while no connected peer is reachable there.
   */
  addInitPeer(endpoint: UdpEndpoint): void {
    const e = this.state;
    if (e.initPeers.some((ip) => sameEndpoint(ip.endpoint, endpoint))) return;
    const ip: InitPeerDial = {
      endpoint: { address: endpoint.address, port: endpoint.port },
      helloIndex: e.newIndex(),
      helloMac1: undefined,
      cookie: undefined,
      dialAt: undefined,
      interval: 0,
      lastHelloAt: undefined,
    };
    e.initPeers.push(ip);
    if (this.started) timersInitPeerAdded(e.timers, ip, e.lastNow);
  }

  /** One datagram from the UDP socket. Never throws on bad input: bad packets are counted and dropped. */
  onDatagram(from: UdpEndpoint, datagram: Uint8Array, now: number): void {
    const e = this.state;
    e.lastNow = now;
    receiveDatagram(e, datagram, { kind: 'direct', endpoint: from }, now);
  }

  /** A batch of datagrams read in one wakeup (same as calling `onDatagram` for each, in order). */
  onDatagrams(batch: readonly ReceivedDatagram[], now: number): void {
    for (const d of batch) this.onDatagram(d.from, d.datagram, now);
  }

  /**
   * One Ethernet frame read from the TAP device (header included, no FCS): to the peer its
   * destination MAC was learned on, else flooded to every connected peer that takes frames, else
   * held for the first peer that comes up.
   */
  onFrame(frame: Uint8Array, now: number): void {
    const e = this.state;
    e.lastNow = now;
    if (!e.options.tunneling) {
      e.dropped.noRoute += 1;
      return;
    }
    if (frame.length < ETH_HEADER) {
      e.dropped.malformed += 1;
      return;
    }
    e.stats.framesFromTap += 1;
    const owner = e.macTable.lookup(frame, now);
    if (owner !== undefined && (owner.connected() || owner.handshake !== undefined)) {
      sendFrame(e, owner, frame, now);
      return;
    }
    let sent = false;
    for (const peer of e.peers.values()) {
      if (peer.connected()) {
        if ((peer.flags & PeerFlag.userdata) === 0) continue;
        if (peer.path?.kind === 'relay') {
          // (Clamping is in place: a flooded SYN then reaches direct peers clamped too, harmless.)
          for (const f of fitForRelay(e, frame, now)) sendTransport(e, peer, TransportKind.frame, f, now);
        } else {
          sendTransport(e, peer, TransportKind.frame, frame, now);
        }
        sent = true;
      } else {
        // The frame may be for a peer we lost (its MAC entries went with it): dial it now.
        timersFrameForLostPeer(e.timers, peer, now);
      }
    }
    if (!sent) {
      holdUnrouted(e, frame, now);
      for (const ip of e.initPeers) timersFrameForInitPeer(e.timers, ip, e.peers, now);
    }
  }

  /** A batch of frames read in one wakeup. */
  onFrames(frames: readonly Uint8Array[], now: number): void {
    for (const f of frames) this.onFrame(f, now);
  }

  /** Run every timer whose deadline is ≤ now. Calling it early or late is harmless. */
  onTimer(now: number): void {
    const e = this.state;
    e.lastNow = now;
    e.earliestDeadline = Infinity;
    for (const ip of e.initPeers) runInitPeerTimer(e.timers, ip, e.peers, now);
    for (const peer of [...e.peers.values()]) runPeerTimers(e.timers, peer, now);
    for (const ip of e.initPeers) if (ip.dialAt !== undefined) e.schedule(ip.dialAt);
    for (const peer of e.peers.values()) {
      const d = nextPeerDeadline(peer);
      if (d !== undefined) e.schedule(d);
    }
  }

  /** The earliest `now` at which `onTimer` has work, or undefined when nothing is scheduled. */
  nextTimerDeadline(): number | undefined {
    const d = this.state.earliestDeadline;
    return d === Infinity ? undefined : d;
  }

  /** Connected peers (one row per peer with a current session). */
  status(): PeerStatus[] {
    const rows: PeerStatus[] = [];
    for (const p of this.state.peers.values()) {
      if (!p.connected()) continue;
      rows.push({
        nodeId: p.nodeId,
        publicKey: encodeKey(p.staticKey),
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

  /** This node's static public key (base64, as `allowednodes` lists it). */
  get publicKey(): string {
    return encodeKey(this.state.identity.publicKey);
  }

  /** How many node keys `allowednodes` admits, or undefined when anyone holding the PSK is admitted. */
  allowedNodeCount(): number | undefined {
    return this.state.allowed?.size;
  }

  /**
   * Replaces the `allowednodes` list (undefined: anyone holding the PSK). Every peer it no longer
   * admits is shut out at once: logged (`peer.revoked`), its sessions dropped (keys wiped) and its
   * handshake abandoned, and it is forgotten, so its packets are unknown indexes from then on and its
   * hellos and initiations are refused. The network's PSK is untouched.
   */
  setAllowedNodes(keys: readonly Uint8Array[] | undefined, now: number): void {
    const e = this.state;
    e.lastNow = now;
    e.allowed = allowedSet(keys);
    for (const peer of [...e.peers.values()]) {
      if (e.admits(peer.staticKey)) continue;
      if (peer.confirmed || peer.connected()) {
        e.io.log('info', 'peer.revoked', { peer: peer.nodeId, key: encodeKey(peer.staticKey) });
        e.stats.peersRevoked += 1;
      }
      forgetPeer(e, peer);
    }
  }

  /** Peers in the peer table, connected or not (bounded by MAX_PEERS). */
  knownPeerCount(): number {
    return this.state.peers.size;
  }

  /** Counters for status output and tests (a snapshot). */
  counters(): EngineCounters {
    return { ...this.state.stats, dropped: { ...this.state.dropped } };
  }
}

/** What the timers of an engine do when they fire. */
function timerActions(e: EngineState): TimerActions {
  return {
    initiateHandshake: (p, now) => initiateHandshake(e, p, now),
    abandonHandshake: (p) => e.abandonHandshake(p),
    sendKeepalive: (p, now) => sendKeepalive(e, p, now),
    sendPeerInfo: (p, now) => sendPeerInfo(e, p, now),
    probeEndpoint: (p, now) => probeEndpoint(e, p, now),
    probeDirectPaths: (p, now) => probeDirectPaths(e, p, now),
    peerDown: (p, now, reason) => peerDown(e, p, now, reason),
    expireSession: (p, s) => e.dropSession(p, s),
    forgetPeer: (p) => forgetPeer(e, p),
    restartCheckExpired: (p, now) => restartCheckExpired(e, p, now),
    dialInitPeer: (ip, now) => sendHello(e, ip.endpoint, ip, now),
    schedule: (deadline) => e.schedule(deadline),
  };
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
